/**
 * A deploy that meets what real AWS would do with it: an official Docker Hub image pulled
 * through the account's ECR cache, a changed database password that reaches both RDS and the
 * tasks that read it (versioned references, a config digest per task), and a password with
 * URL characters that survives being spliced into DATABASE_URL; a teardown that keeps final
 * snapshots of the database and the cache.
 */
import { GetTemplateCommand, paginateDescribeStackEvents } from '@aws-sdk/client-cloudformation';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { DescribeTaskDefinitionCommand, DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { CreateHostedZoneCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/api/dispatch';
import { handlers } from '../../electron/api/handlers';
import type { PlanPreview } from '../../shared/domain/plan';
import { ecsServiceName } from '../../electron/plan/names';
import { configDigest } from '../../electron/plan/project-template';
import { setConfig } from '../../electron/secrets/store';
import { connectionManager } from '../../electron/aws/connection';
import { regionInventory } from '../../electron/inventory/list';
import { teardownProject } from '../../electron/inventory/teardown';
import { clientsOf, clusterOf, connectedApp, deploy, FAST, runBerth, sandboxAppForSuite, suiteProject } from './helpers';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const suite = sandboxAppForSuite();

const COMPOSE = `name: shop
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    environment:
      DATABASE_URL: postgres://shop:\${POSTGRES_PASSWORD}@db:5432/shop
  db:
    image: postgres:16
    x-defang-postgres: true
    environment:
      POSTGRES_USER: shop
      POSTGRES_DB: shop
      POSTGRES_PASSWORD:
  cache:
    image: redis:7
    x-defang-redis: true
`;

/** The sandbox's lines for the web service's newest task: the versions it resolved and its digest label. */
async function newestTaskLines(): Promise<string[]> {
  const c = clientsOf(suite.app);
  const events = (await c.logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/shop', logStreamNamePrefix: 'web/web/' }))).events ?? [];
  const newest = events.filter((e) => e.message?.includes('Config digest')).at(-1)!;
  return events.filter((e) => e.logStreamName === newest.logStreamName).map((e) => e.message ?? '');
}

async function templateBody(): Promise<string> {
  return templateBodyOf('berth-shop');
}

async function templateBodyOf(stackName: string): Promise<string> {
  return (await clientsOf(suite.app).cloudformation.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody!;
}

describe('a deploy as AWS would run it', () => {
  it('pulls nginx through the ECR cache, and a changed password reaches RDS and the tasks that read it', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': COMPOSE }, 'shop-');
    const c = clientsOf(suite.app);
    // Characters RDS accepts but a URL does not take as they are.
    const first = 'first:p#ss%w?rd&1';
    await setConfig(c.ssm, 'shop', 'POSTGRES_PASSWORD', first);
    const v1 = await deploy(suite.app, dir, 'balanced');
    expect(v1.outcome, v1.failure?.message).toBe('succeeded');

    // The official image came through the pull-through cache into the account's registry.
    const cluster = await clusterOf(suite.app);
    const service = (await c.ecs.send(new DescribeServicesCommand({ cluster, services: [ecsServiceName('shop', 'web')] }))).services![0]!;
    const td1 = (await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition! }))).taskDefinition!;
    expect(td1.containerDefinitions![0]!.image).toBe('000000000000.dkr.ecr.us-east-1.amazonaws.com/berth-ecr-public/docker/library/nginx:1.27');
    const cached = await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'berth-ecr-public/docker/library/nginx' }));
    expect(cached.imageDetails?.flatMap((d) => d.imageTags ?? [])).toEqual(['1.27']);

    // The password with URL characters is percent-encoded in DATABASE_URL and reads back whole.
    const url = (await c.ssm.send(new GetParameterCommand({ Name: '/Berth/shop/_derived/web/DATABASE_URL', WithDecryption: true }))).Parameter!.Value!;
    expect(decodeURIComponent(new URL(url).password)).toBe(first);
    expect(new URL(url).hostname).toBe('db');

    expect(await templateBody()).toContain('{{resolve:ssm-secure:/Berth/shop/POSTGRES_PASSWORD:1}}');
    const lines1 = await newestTaskLines();
    expect(lines1.join('\n')).toContain('DATABASE_URL (version 1)');
    const digest1 = td1.containerDefinitions![0]!.dockerLabels!['berth.config-digest']!;
    expect(digest1).toBe(configDigest(['/Berth/shop/_derived/web/DATABASE_URL'], { '/Berth/shop/_derived/web/DATABASE_URL': 1 }));
    expect(lines1).toContain(`[sandbox] Config digest (label berth.config-digest): ${digest1}`);

    // Change the password and deploy again: the database gets version 2, and so does a new web task.
    const second = 'second-password-2';
    await setConfig(c.ssm, 'shop', 'POSTGRES_PASSWORD', second);
    const v2 = await deploy(suite.app, dir, 'balanced');
    expect(v2.outcome, v2.failure?.message).toBe('succeeded');
    expect(await templateBody()).toContain('{{resolve:ssm-secure:/Berth/shop/POSTGRES_PASSWORD:2}}');
    // The first deploy only created the database: an update of it is this password change.
    const events = [];
    for await (const page of paginateDescribeStackEvents({ client: c.cloudformation }, { StackName: 'berth-shop' })) events.push(...(page.StackEvents ?? []));
    expect(events.filter((e) => e.LogicalResourceId === 'DbDatabase').map((e) => e.ResourceStatus)).toContain('UPDATE_COMPLETE');
    const service2 = (await c.ecs.send(new DescribeServicesCommand({ cluster, services: [ecsServiceName('shop', 'web')] }))).services![0]!;
    expect(service2.taskDefinition).not.toBe(service.taskDefinition);
    const td2 = (await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service2.taskDefinition! }))).taskDefinition!;
    const digest2 = td2.containerDefinitions![0]!.dockerLabels!['berth.config-digest']!;
    expect(digest2).not.toBe(digest1);
    const lines2 = await newestTaskLines();
    expect(lines2.join('\n')).toContain('DATABASE_URL (version 2)');
    expect(lines2).toContain(`[sandbox] Config digest (label berth.config-digest): ${digest2}`);
    const url2 = (await c.ssm.send(new GetParameterCommand({ Name: '/Berth/shop/_derived/web/DATABASE_URL', WithDecryption: true }))).Parameter!.Value!;
    expect(decodeURIComponent(new URL(url2).password)).toBe(second);
    // Neither password is in any template or task definition.
    for (const text of [await templateBody(), JSON.stringify(td1), JSON.stringify(td2)]) for (const pw of [first, second, encodeURIComponent(first)]) expect(text).not.toContain(pw);

    // Tearing down keeps a final snapshot of the database and of the cache, and the inventory lists both.
    const conn = connectionManager(suite.app.ctx).require();
    const down = await teardownProject(conn, { project: 'shop', deleteConfig: true, deleteUploads: true, onEvent: () => undefined, wait: { sleep: async () => undefined, initialIntervalMs: 0, maxIntervalMs: 0 } });
    expect(down.leftBehind.filter((l) => /final snapshot|ElastiCache snapshot/.test(l)).map((l) => l.split(' (')[0]!.replace(/ \S+$/, ''))).toEqual(['RDS final snapshot', 'ElastiCache snapshot']);
    const inventory = await regionInventory(conn);
    expect(inventory.snapshots.filter((x) => x.project === 'shop').map((x) => x.kind).sort()).toEqual(['cache', 'database']);
  }, 120_000);

  it('validates a domain’s certificate through the account’s hosted zone; without one, shows the CNAME to add and waits for it, and says so when it stops watching', async () => {
    const c = clientsOf(suite.app);
    const site = (name: string, domain: string) => `name: ${name}\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    domainname: ${domain}\n`;

    // The account has example.com's public zone: CloudFormation writes the validation record there.
    const zone = await c.route53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'realism-1' }));
    const zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
    const inZone = await suiteProject(suite, { 'compose.yaml': site('shopzone', 'shop.example.com') });
    const preview = await previewOf(inZone);
    expect(preview.certificates).toEqual([{ service: 'web', domain: 'shop.example.com', validation: 'automatic', zone: { id: zoneId, name: 'example.com' } }]);
    const automatic = await deploy(suite.app, inZone, 'balanced');
    expect(automatic.outcome, automatic.failure?.message).toBe('succeeded');
    expect(automatic.urls).toContain('https://shop.example.com');
    const records = await c.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(records.ResourceRecordSets!.some((r) => r.Type === 'CNAME' && r.Name!.endsWith('.shop.example.com.') && r.ResourceRecords![0]!.Value!.endsWith('.acm-validations.aws.'))).toBe(true);

    // No zone for example.net in the account: the deploy names the record and waits until it exists outside AWS.
    const outside = await suiteProject(suite, { 'compose.yaml': site('shopnet', 'shop.example.net') });
    expect((await previewOf(outside)).certificates[0]!.validation).toBe('manual');
    const from = suite.app.events.length;
    const running = deploy(suite.app, outside, 'balanced');
    const waiting = await until(() => suite.app.events.slice(from).find((e) => e.type === 'phase' && e.message?.startsWith('Waiting for the certificate of shop.example.net')));
    const record = /add the DNS record (\S+) CNAME (\S+) where/.exec((waiting as { message: string }).message)!;
    expect(record[1]).toMatch(/^_[0-9a-f]{32}\.shop\.example\.net\.$/);
    expect(record[2]).toMatch(/^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$/);
    suite.sandbox.putOutsideDnsRecord({ name: record[1]!, type: 'CNAME', value: record[2]! });
    const manual = await running;
    expect(manual.outcome, manual.failure?.message).toBe('succeeded');
  }, 120_000);

  it('stops watching a certificate that never gets its record, naming the record to add', async () => {
    const impatient = await connectedApp(suite.sandbox, undefined, { ...FAST, wait: { ...FAST.wait, timeoutMs: 1_500 } });
    try {
      const dir = await suiteProject(suite, { 'compose.yaml': 'name: shoporg\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    domainname: shop.example.org\n' });
      const record = await deploy(impatient, dir, 'balanced');
      expect(record.outcome).toBe('failed');
      expect(record.failure?.message).toMatch(
        /^Waiting for the certificate of shop\.example\.org: add the DNS record _[0-9a-f]{32}\.shop\.example\.org\. CNAME _[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\. where shop\.example\.org's DNS is served\. .* Berth stopped watching; CloudFormation keeps waiting\. Add the record, then deploy again to follow it\.$/,
      );
    } finally {
      await impatient.ctx.dispose();
    }
  }, 60_000);
});

describe('berth up, as the issue asks', () => {
  it('deploys Docker Hub images (one through the user’s Docker Hub account) with a domainname, then again after the password changed, on the command line', async () => {
    const c = clientsOf(suite.app);
    await c.route53.send(new CreateHostedZoneCommand({ Name: 'example.io', CallerReference: 'realism-cli' }));
    const dir = await suiteProject(suite, {
      'compose.yaml': `name: clishop\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    domainname: www.example.io\n    environment:\n      DATABASE_URL: postgres://clishop:\${POSTGRES_PASSWORD}@db:5432/clishop\n  meta:\n    image: metabase/metabase:v0.50\n  db:\n    image: postgres:16\n    x-defang-postgres: true\n    environment:\n      POSTGRES_PASSWORD:\n`,
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-realism-cli-'));
    suite.folders.push(dataDir);
    const flags = ['--endpoint', suite.sandbox.endpoint, '--sandbox', '--region', 'us-east-1'];
    const berth = (args: string[], stdin = '') => runBerth([...args, ...flags], dataDir, stdin);
    // A password RDS would refuse is refused before anything is stored.
    const refused = await berth(['config', 'set', 'POSTGRES_PASSWORD', '--project', dir], 'has a space');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('which AWS refuses because it contains a space');
    expect((await berth(['config', 'set', 'POSTGRES_PASSWORD', '--project', dir], 'first-password-1')).code).toBe(0);
    // The Docker Hub account ECR signs in with; its token arrives on stdin only.
    const token = 'dckr_pat_CANARY-realism-5e1d';
    const login = await berth(['docker-hub', 'login', 'alice'], token);
    expect(login.code, login.err).toBe(0);
    expect((await berth(['docker-hub', 'status'])).out).toContain('signed in as alice');
    const first = await berth(['up', dir, '--yes']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('https://www.example.io');
    expect(first.err).toContain('metabase/metabase:v0.50 will come through your account’s Docker Hub cache, signed in.');
    // The non-official Docker Hub image came through the Docker Hub cache into the account's registry.
    const cluster = await clusterOf(suite.app);
    const meta = (await c.ecs.send(new DescribeServicesCommand({ cluster, services: [ecsServiceName('clishop', 'meta')] }))).services![0]!;
    const metaTd = (await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: meta.taskDefinition! }))).taskDefinition!;
    expect(metaTd.containerDefinitions![0]!.image).toBe('000000000000.dkr.ecr.us-east-1.amazonaws.com/berth-docker-hub/metabase/metabase:v0.50');
    expect(meta.runningCount).toBe(meta.desiredCount);
    const cachedMeta = await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'berth-docker-hub/metabase/metabase' }));
    expect(cachedMeta.imageDetails?.flatMap((d) => d.imageTags ?? [])).toEqual(['v0.50']);
    // The token is nowhere but in the secret: not in what berth printed, the templates, the task definitions or the logs.
    const bootstrapBody = (await c.cloudformation.send(new GetTemplateCommand({ StackName: 'berth-bootstrap' }))).TemplateBody!;
    const logs = (await c.logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/clishop' }))).events ?? [];
    for (const text of [login.out, login.err, first.out, first.err, bootstrapBody, await templateBodyOf('berth-clishop'), JSON.stringify(metaTd), JSON.stringify(logs)]) expect(text).not.toContain(token);
    expect((await berth(['config', 'set', 'POSTGRES_PASSWORD', '--project', dir], 'second-password-2')).code).toBe(0);
    const second = await berth(['up', dir, '--yes']);
    expect(second.code, second.err).toBe(0);
    expect(`${second.out}\n${second.err}`).toMatch(/Update .*DbDatabase/);
    expect((await c.cloudformation.send(new GetTemplateCommand({ StackName: 'berth-clishop' }))).TemplateBody).toContain('POSTGRES_PASSWORD:2}}');
  }, 120_000);
});

async function previewOf(dir: string): Promise<PlanPreview> {
  const result = await dispatch(handlers, suite.app.ctx, 'plan:preview', { dir, mode: 'balanced' });
  if (!result.ok) throw new Error(result.error.message);
  return result.value as PlanPreview;
}

/** Polls `find` until it returns something (the deploy runs in the background meanwhile). */
async function until<T>(find: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

