/**
 * Rollback: deploy v1, deploy a different v2 (new source, new env value, new config value), put
 * v1 back — its template byte for byte, its image (nothing is built), its config value — as a
 * deployment of its own; and every refusal is said before anything changes.
 */
import { GetTemplateCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { BatchDeleteImageCommand } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../shared/domain/deploy';
import { deployments } from '../../electron/deploy/deployments';
import { getRelease } from '../../electron/deploy/release';
import { ecsServiceName, projectRepositoryName } from '../../electron/plan/names';
import { deleteConfig, revealConfig, setConfig } from '../../electron/secrets/store';
import { callsOf, clientsOf, clusterOf, connectedApp, deploy, FAST, runBerth, sandboxAppForSuite, suiteProject, vpcQuota } from './helpers';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';

// Five projects in one account: room for their VPCs.
const suite = sandboxAppForSuite(vpcQuota(10));
const clients = () => clientsOf(suite.app);

function compose(project: string, release: string): string {
  return [`name: ${project}`, 'services:', '  web:', '    build: ./web', '    ports: ["80:80"]', '    environment:', `      - RELEASE=${release}`, '      - API_KEY', ''].join('\n');
}

async function writeVersion(dir: string, project: string, release: string): Promise<void> {
  await writeFile(join(dir, 'compose.yaml'), compose(project, release));
  await writeFile(join(dir, 'web', 'index.html'), `<h1>release ${release}</h1>\n`);
}

async function newProject(project: string): Promise<string> {
  return suiteProject(suite, { 'compose.yaml': compose(project, '1'), 'web/Dockerfile': 'FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/\n', 'web/index.html': '<h1>release 1</h1>\n' }, `berth-rollback-${project}-`);
}

async function rollback(dir: string, deploymentId?: string): Promise<DeploymentRecord> {
  const service = deployments(suite.app.ctx);
  const started = await service.rollback({ dir, autoApprove: true, ...(deploymentId ? { deploymentId } : {}) });
  return service.get(started.deploymentId)!.done;
}

async function deployedTemplate(project: string): Promise<string> {
  return (await clients().cloudformation.send(new GetTemplateCommand({ StackName: `berth-${project}`, TemplateStage: 'Original' }))).TemplateBody!;
}

async function webTaskDefinition(project: string) {
  const cluster = await clusterOf(suite.app);
  const service = (await clients().ecs.send(new DescribeServicesCommand({ cluster, services: [ecsServiceName(project, 'web')] }))).services![0]!;
  return (await clients().ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition! }))).taskDefinition!.containerDefinitions![0]!;
}

async function bucket(): Promise<string> {
  const out = await clients().cloudformation.send(new DescribeStacksCommand({ StackName: 'berth-bootstrap' }));
  return out.Stacks![0]!.Outputs!.find((o) => o.OutputKey === 'BucketName')!.OutputValue!;
}

describe('rollback', () => {
  it('puts v1 back exactly after v2: template, image and config value, without building, as a deployment of its own', async () => {
    const dir = await newProject('notes');
    await setConfig(clients().ssm, 'notes', 'API_KEY', 'key-of-v1');
    const v1 = await deploy(suite.app, dir, 'affordable');
    expect(v1.failure?.message).toBeUndefined();
    expect(v1.released).toBe(true);
    const v1Template = await deployedTemplate('notes');
    const v1Web = await webTaskDefinition('notes');

    await writeVersion(dir, 'notes', '2');
    await setConfig(clients().ssm, 'notes', 'API_KEY', 'key-of-v2');
    const v2 = await deploy(suite.app, dir, 'affordable');
    expect(v2.outcome).toBe('succeeded');
    expect(v2.images!.web).not.toBe(v1.images!.web);
    expect(await deployedTemplate('notes')).not.toBe(v1Template);

    const from = suite.app.calls.length;
    const back = await rollback(dir);
    expect(back.failure?.message).toBeUndefined();
    expect(back).toMatchObject({ outcome: 'succeeded', rollbackOf: v1.id, images: v1.images, templateHash: v1.templateHash });
    expect(callsOf(suite.app, 'StartBuildCommand', from)).toBe(0);
    expect(callsOf(suite.app, 'StartBuildCommand')).toBeGreaterThan(0);
    expect(back.phases.find((p) => p.phase === 'build')!.state).toBe('skipped');

    // The stack runs v1's template and image again, and the task reads v1's value (as a new version).
    expect(await deployedTemplate('notes')).toBe(v1Template);
    const web = await webTaskDefinition('notes');
    expect(web.image).toBe(v1Web.image);
    expect(web.environment).toEqual(v1Web.environment);
    expect(await revealConfig(clients().ssm, 'notes', 'API_KEY')).toBe('key-of-v1');
    expect(back.configVersions!['/Berth/notes/API_KEY']).toBe(3);

    // The rollback is in the history with its own release; rolling back again goes forward to v2.
    const history = await deployments(suite.app.ctx).history(dir);
    expect(history.map((r) => r.id).slice(0, 3)).toEqual([back.id, v2.id, v1.id]);
    const release = await getRelease(clients().s3, await bucket(), 'notes', back.id);
    expect(release!.composeFiles['compose.yaml']).toContain('RELEASE=1');
    const forward = await rollback(dir);
    expect(forward).toMatchObject({ outcome: 'succeeded', rollbackOf: v2.id, images: v2.images });
    expect(await revealConfig(clients().ssm, 'notes', 'API_KEY')).toBe('key-of-v2');
  });

  it('refuses, before changing anything, when there is nothing to go back to, the id is unknown, an image is gone or a config value was deleted', async () => {
    const dir = await newProject('memo');
    await setConfig(clients().ssm, 'memo', 'API_KEY', 'memo-key-1');
    const v1 = await deploy(suite.app, dir, 'affordable');
    expect(v1.outcome).toBe('succeeded');
    await expect(rollback(dir)).rejects.toMatchObject({ code: 'ROLLBACK_BLOCKED', message: expect.stringContaining('Nothing to roll back to') });
    await expect(rollback(dir, '20990101T000000000Z-nope00')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await writeVersion(dir, 'memo', '2');
    const v2 = await deploy(suite.app, dir, 'affordable');
    expect(v2.outcome).toBe('succeeded');
    const v2Template = await deployedTemplate('memo');

    // v1's image expired: the rollback names the service and changes nothing.
    const tag = v1.images!.web!.split(':').pop()!;
    await clients().ecr.send(new BatchDeleteImageCommand({ repositoryName: projectRepositoryName('memo'), imageIds: [{ imageTag: tag }] }));
    const noImage = await rollback(dir, v1.id);
    expect(noImage.outcome).toBe('failed');
    expect(noImage.failure).toMatchObject({ phase: 'config', code: 'ROLLBACK_BLOCKED', message: expect.stringContaining('The image of web from deployment') });
    expect(noImage.failure!.message).toContain('Nothing was changed.');
    expect(await deployedTemplate('memo')).toBe(v2Template);

    // A config value v2 no longer needs but v1 read was deleted: its value cannot come back.
    await deleteConfig(clients().ssm, 'memo', ['API_KEY']);
    const noConfig = await rollback(dir, v1.id);
    expect(noConfig.failure).toMatchObject({ code: 'ROLLBACK_BLOCKED', message: expect.stringContaining('Config value API_KEY was deleted') });
    expect(await deployedTemplate('memo')).toBe(v2Template);

    // A failed deployment is never a target.
    await expect(rollback(dir, noConfig.id)).resolves.toMatchObject({ outcome: 'failed', failure: { message: expect.stringContaining('did not succeed') } });
  });

  it('on the command line: history --diff compares names and digests, never values; rollback --yes puts the earlier one back', async () => {
    const dir = await newProject('jot');
    await setConfig(clients().ssm, 'jot', 'API_KEY', 'jot-key-CANARY-1');
    const v1 = await deploy(suite.app, dir, 'affordable');
    await writeVersion(dir, 'jot', '2');
    await writeFile(join(dir, 'compose.yaml'), compose('jot', '2').replace('      - API_KEY\n', '      - API_KEY\n      - FEATURE\n'));
    await setConfig(clients().ssm, 'jot', 'API_KEY', 'jot-key-CANARY-2');
    await setConfig(clients().ssm, 'jot', 'FEATURE', 'jot-feature-CANARY');
    const v2 = await deploy(suite.app, dir, 'affordable');
    expect(v2.outcome).toBe('succeeded');

    const dataDir = await mkdtemp(join(tmpdir(), 'berth-cli-rollback-'));
    suite.folders.push(dataDir);
    const flags = ['--project', dir, '--endpoint', suite.sandbox.endpoint, '--sandbox', '--region', 'us-east-1'];
    const diff = await runBerth(['history', '--diff', v1.id, v2.id, ...flags], dataDir);
    expect(diff.err).toBe('');
    expect(diff.code).toBe(0);
    expect(diff.out).toContain(`From ${v1.id} (succeeded) to ${v2.id} (succeeded)`);
    expect(diff.out).toMatch(/~ web: .*:[0-9a-f]{64} → .*:[0-9a-f]{64} \(build context [0-9a-f]{12} → [0-9a-f]{12}\)/);
    expect(diff.out).toContain('+ FEATURE');
    expect(diff.out).toContain('~ API_KEY (new value)');
    expect(diff.out).toContain('-      - RELEASE=1');
    expect(diff.out).toContain('+      - RELEASE=2');
    expect(diff.out).toMatch(/~ WebTaskDefinition \(AWS::ECS::TaskDefinition\)/);
    expect(diff.out).not.toContain('CANARY');
    const json = JSON.parse((await runBerth(['history', '--diff', v1.id, v2.id, ...flags, '--json'], dataDir)).out);
    expect(json.comparison.config).toEqual({ added: ['FEATURE'], removed: [], changed: ['API_KEY'] });

    const back = await runBerth(['rollback', '--yes', ...flags], dataDir);
    expect(back.code, back.err).toBe(0);
    expect(back.err).toContain(`Rolling jot back to deployment ${v1.id}`);
    expect(`${back.out}\n${back.err}`).not.toContain('CANARY');
    expect(await revealConfig(clients().ssm, 'jot', 'API_KEY')).toBe('jot-key-CANARY-1');
    const listed = await runBerth(['history', dir, '--endpoint', suite.sandbox.endpoint, '--sandbox', '--region', 'us-east-1'], dataDir);
    expect(listed.out).toContain(`rollback to ${v1.id}`);
    const usage = await runBerth(['history', '--diff', v1.id, ...flags], dataDir);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('--diff takes two deployment ids');
  });

  it('keeps the images the last kept deployments run through ECR lifecycle expiry; older ones go, and a rollback to them is refused', async () => {
    const app = await connectedApp(suite.sandbox, undefined, { ...FAST, keptDeployments: 2 });
    try {
      const dir = await newProject('keep');
      await setConfig(clientsOf(app).ssm, 'keep', 'API_KEY', 'keep-key');
      const v1 = await deploy(app, dir, 'affordable');
      await writeVersion(dir, 'keep', '2');
      const v2 = await deploy(app, dir, 'affordable');
      await writeVersion(dir, 'keep', '3');
      const v3 = await deploy(app, dir, 'affordable');
      expect([v1, v2, v3].map((r) => r.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      const tagOf = (r: DeploymentRecord) => r.images!.web!.split(':').pop()!;
      const images = (await clientsOf(app).ecr.send(new DescribeImagesCommand({ repositoryName: projectRepositoryName('keep') }))).imageDetails!;
      const keeps = images.flatMap((i) => i.imageTags ?? []).filter((t) => t.startsWith('keep-')).sort();
      expect(keeps).toEqual([`keep-${tagOf(v2)}`, `keep-${tagOf(v3)}`].sort());

      // Fifteen days on, ECR applies the repository's policy: v1's image goes, the kept ones stay.
      const expired = suite.sandbox.runImageLifecycle({ now: Date.now() + 15 * 86_400_000 });
      expect(expired.filter((e) => e.repositoryName === projectRepositoryName('keep')).flatMap((e) => e.imageTags)).toEqual([tagOf(v1)]);
      const service = deployments(app.ctx);
      expect((await service.rollbackCheck(dir, v1.id)).blockers).toEqual([expect.stringContaining('The image of web from deployment')]);
      expect((await service.rollbackCheck(dir, v2.id)).blockers).toEqual([]);
    } finally {
      await app.ctx.dispose();
    }
  });

  it('after a bad v2 (an image that is not there) that CloudFormation rolled back, the rollback puts back the config it changed', async () => {
    const dir = await newProject('badv2');
    await setConfig(clients().ssm, 'badv2', 'API_KEY', 'good-key');
    const v1 = await deploy(suite.app, dir, 'affordable');
    expect(v1.failure?.message).toBeUndefined();
    const v1Template = await deployedTemplate('badv2');
    await writeVersion(dir, 'badv2', '2');
    await writeFile(join(dir, 'compose.yaml'), compose('badv2', '2').replace('    build: ./web\n', '    image: 000000000000.dkr.ecr.us-east-1.amazonaws.com/berth/badv2:nope\n'));
    await setConfig(clients().ssm, 'badv2', 'API_KEY', 'bad-key');
    const v2 = await deploy(suite.app, dir, 'affordable');
    expect(v2.failure).toMatchObject({ phase: 'stack' });
    // CloudFormation put the stack back; the config value is still v2's.
    expect(await deployedTemplate('badv2')).toBe(v1Template);
    expect(await revealConfig(clients().ssm, 'badv2', 'API_KEY')).toBe('bad-key');

    const back = await rollback(dir);
    expect(back.failure?.message).toBeUndefined();
    expect(back).toMatchObject({ rollbackOf: v1.id, outcome: 'nothing-to-change' });
    expect(back.phases.find((p) => p.phase === 'stack')!.state).toBe('skipped');
    expect(await revealConfig(clients().ssm, 'badv2', 'API_KEY')).toBe('good-key');
    expect(await deployedTemplate('badv2')).toBe(v1Template);
    const stackMessage = suite.app.events.find((e) => e.type === 'phase' && e.deploymentId === back.id && e.phase === 'stack' && e.state === 'skipped');
    expect(stackMessage).toMatchObject({ message: 'The stack already runs that deployment; 1 config value was put back to its earlier value.' });
  }, 90_000); // Three deploys and a rollback: past 30 s when the whole suite shares two cores.
});
