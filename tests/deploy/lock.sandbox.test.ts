/**
 * Who holds a project's deployment: a second machine (another app context on the same account)
 * sees the first one's deployment in the bucket, with who, where, since when and the phase,
 * and is refused before anything changes; a holder that stopped reporting is stale and can be
 * taken over with the project's name typed, which the new deployment records.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { describeStack, stackOutputs } from '../../electron/aws/stacks';
import { deployments } from '../../electron/deploy/deployments';
import { lockKey, readHolder } from '../../electron/deploy/lock';
import { clientsOf, connectedApp, deploy, sandboxAppForSuite, suiteProject } from './helpers';

const suite = sandboxAppForSuite();
const COMPOSE = 'name: kiosk\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    environment: [RELEASE=1]\n';

async function bucket(): Promise<string> {
  return stackOutputs(await describeStack(clientsOf(suite.app).cloudformation, 'berth-bootstrap')).BucketName!;
}

describe('the project lock', () => {
  it('a second machine sees who deploys, where, since when and in which phase, and is refused before anything changes', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': COMPOSE }, 'berth-lock-');
    expect((await deploy(suite.app, dir, 'affordable')).outcome).toBe('succeeded');
    await import('node:fs/promises').then((fs) => fs.writeFile(`${dir}/compose.yaml`, COMPOSE.replace('RELEASE=1', 'RELEASE=2')));

    // Machine A waits for its change review, holding the project.
    const a = deployments(suite.app.ctx);
    const { deploymentId } = await a.start({ dir, mode: 'affordable', autoApprove: false });
    const run = a.get(deploymentId)!;
    await expect.poll(() => run.phase, { timeout: 10_000 }).toBe('stack');
    // The phase reaches the bucket within seconds (phases moments apart are written together).
    await expect.poll(async () => (await readHolder(clientsOf(suite.app).s3, await bucket(), 'kiosk'))?.holder.phase, { timeout: 10_000, interval: 250 }).toBe('stack');
    const held = await readHolder(clientsOf(suite.app).s3, await bucket(), 'kiosk');
    expect(held!.holder).toMatchObject({ deploymentId, project: 'kiosk', identityArn: expect.stringContaining('arn:aws:iam::'), berthVersion: '0.0.0-test', account: '000000000000', region: 'us-east-1', phase: 'stack' });
    expect(held!.holder.host.length).toBeGreaterThan(0);

    // Machine B: its own data folder, the same account.
    const b = await connectedApp(suite.sandbox);
    try {
      const view = await deployments(b.ctx).holder(dir);
      expect(view).toMatchObject({ stale: false, holder: { deploymentId } });
      const blocked = await deploy(b, dir, 'affordable');
      expect(blocked.outcome).toBe('failed');
      expect(blocked.failure).toMatchObject({ code: 'DEPLOY_IN_PROGRESS', phase: 'bootstrap' });
      expect(blocked.failure!.message).toMatch(/^kiosk is being deployed by arn:aws:iam::\S+ on \S+ \(Berth 0\.0\.0-test\) since \d{4}-\d\d-\d\d \d\d:\d\d UTC, phase stack\. Wait for it to finish/);
      expect(blocked.phases.filter((p) => p.state === 'done').map((p) => p.phase)).toEqual(['validate', 'connection', 'config']);
    } finally {
      await b.ctx.dispose();
    }

    // A applies and finishes: the project is free again.
    a.approve(deploymentId);
    expect((await run.done).outcome).toBe('succeeded');
    expect(await readHolder(clientsOf(suite.app).s3, await bucket(), 'kiosk')).toBeUndefined();
  });

  it('a holder silent for too long is stale: refused until the project name is typed, then taken over and recorded', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': COMPOSE.replace('kiosk', 'ledger') }, 'berth-lock-stale-');
    expect((await deploy(suite.app, dir, 'affordable')).outcome).toBe('succeeded');
    // A deployment on another machine that stopped reporting an hour ago (a closed laptop).
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const abandoned = { deploymentId: '20261201T090000000Z-gone01', project: 'ledger', identityArn: 'arn:aws:iam::000000000000:user/alex', host: 'alex-laptop', berthVersion: '0.9.0', account: '000000000000', region: 'us-east-1', startedAt: hourAgo, heartbeatAt: hourAgo, phase: 'build' };
    await clientsOf(suite.app).s3.send(new PutObjectCommand({ Bucket: await bucket(), Key: lockKey('ledger'), Body: JSON.stringify(abandoned) }));

    expect(await deployments(suite.app.ctx).holder(dir)).toMatchObject({ stale: true, silentMinutes: 60, holder: { host: 'alex-laptop' } });
    const refused = await deploy(suite.app, dir, 'affordable');
    expect(refused.failure).toMatchObject({ code: 'DEPLOY_IN_PROGRESS' });
    expect(refused.failure!.message).toContain('ledger is being deployed by arn:aws:iam::000000000000:user/alex on alex-laptop (Berth 0.9.0)');
    expect(refused.failure!.message).toContain('it has not reported for 60 minutes and looks abandoned');
    expect(refused.failure!.message).toContain('berth up --take-over ledger');

    // A wrong name is no confirmation.
    const service = deployments(suite.app.ctx);
    const wrong = await service.get((await service.start({ dir, mode: 'affordable', autoApprove: true, takeOver: 'ledgr' })).deploymentId)!.done;
    expect(wrong.outcome).toBe('failed');

    const taken = await service.get((await service.start({ dir, mode: 'affordable', autoApprove: true, takeOver: 'ledger' })).deploymentId)!.done;
    expect(taken.outcome).toMatch(/succeeded|nothing-to-change/);
    expect(taken.tookOverFrom).toEqual({ deploymentId: abandoned.deploymentId, identityArn: abandoned.identityArn, host: 'alex-laptop', heartbeatAt: hourAgo });
    expect(await readHolder(clientsOf(suite.app).s3, await bucket(), 'ledger')).toBeUndefined();
  });
});
