import { CreateStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeSecretCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StackEvent } from '../../shared/domain/deploy';
import type { PlannedStack } from '../../shared/domain/plan';
import { createClients, destroyClients } from '../aws/clients';
import { fakeCloudFormation } from '../aws/testing/fake-cloudformation';
import { BOOTSTRAP_STACK, bootstrapStatus, ensureBootstrap, type BootstrapTemplateSource, type DockerHubCache, type LegacyNetwork } from './ensure';

/** A small bootstrap template fixture: its body changes with the version and with the legacy project network kept. */
function source(version: number): BootstrapTemplateSource {
  return {
    version,
    template(legacy: LegacyNetwork | undefined, dockerHub?: DockerHubCache): PlannedStack {
      const template = {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          Bucket: { Type: 'AWS::S3::Bucket' },
          ...(dockerHub ? { DockerHub: { Type: 'AWS::ECR::PullThroughCacheRule', Properties: { CredentialArn: dockerHub.credentialArn } } } : {}),
          ...(legacy ? { PrivateSubnet1: { Type: 'AWS::EC2::Subnet' } } : {}),
          ...(legacy?.nat ? { Nat: { Type: 'AWS::EC2::NatGateway' } } : {}),
        },
        Outputs: { TemplateVersion: { Value: String(version) } },
      };
      const body = JSON.stringify(template);
      return { stackName: BOOTSTRAP_STACK, template: template as unknown as PlannedStack['template'], body, bytes: body.length, resourceCount: 1, needsUpload: false };
    },
  };
}
const outputs = (version: number, legacyNat?: string) => ({
  TemplateVersion: String(version),
  BucketName: 'berth-bucket',
  ClusterName: 'berth',
  ...(legacyNat !== undefined ? { PrivateSubnetIds: 'subnet-1,subnet-2', NatGateways: legacyNat } : {}),
});
const wait = { sleep: async () => undefined };
const clients = createClients({ region: 'us-east-1' }, async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }), 'test');
const conn = { clients };
let fake: ReturnType<typeof fakeCloudFormation>;

// No Docker Hub credentials stored unless a test says otherwise (and never a call to the real AWS).
const secrets = mockClient(SecretsManagerClient);
beforeEach(() => {
  secrets.reset();
  secrets.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));
});
afterEach(() => fake.mock.restore());
process.on('exit', () => destroyClients(clients));

describe('bootstrapStatus', () => {
  it('says create when there is no stack, none when it is current, update when older, refuse when newer', async () => {
    fake = fakeCloudFormation();
    expect(await bootstrapStatus(conn, { source: source(2) })).toMatchObject({ exists: false, action: 'create', appVersion: 2 });
    const s = fake.seed(BOOTSTRAP_STACK, 'CREATE_COMPLETE', { outputs: outputs(2), body: source(2).template(undefined).body });
    expect(await bootstrapStatus(conn, { source: source(2) })).toMatchObject({ exists: true, action: 'none', deployedVersion: 2, outputs: { BucketName: 'berth-bucket' } });
    s.outputs = outputs(1);
    expect(await bootstrapStatus(conn, { source: source(2) })).toMatchObject({ action: 'update', deployedVersion: 1 });
    s.outputs = outputs(3);
    expect(await bootstrapStatus(conn, { source: source(2) })).toMatchObject({ action: 'refuse', deployedVersion: 3, message: expect.stringContaining('newer') });
    s.status = 'ROLLBACK_COMPLETE';
    expect(await bootstrapStatus(conn, { source: source(2) })).toMatchObject({ action: 'recover' });
  });
});

describe('ensureBootstrap', () => {
  it('creates the stack with termination protection and tags, streaming its events', async () => {
    fake = fakeCloudFormation({ create: () => ({ status: 'CREATE_COMPLETE', outputs: outputs(1), resources: [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket' }] }) });
    const events: StackEvent[] = [];
    const status = await ensureBootstrap(conn, { source: source(1), onEvent: (e) => events.push(e), wait });
    expect(status).toMatchObject({ exists: true, status: 'CREATE_COMPLETE', deployedVersion: 1, action: 'none', outputs: { ClusterName: 'berth' } });
    const input = fake.mock.commandCalls(CreateStackCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ StackName: 'berth-bootstrap', EnableTerminationProtection: true, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'], Tags: [{ Key: 'berth:managed-by', Value: 'berth' }] });
    expect(events.map((e) => `${e.logicalId}:${e.status}`)).toEqual(['berth-bootstrap:CREATE_IN_PROGRESS', 'Bucket:CREATE_COMPLETE', 'berth-bootstrap:CREATE_COMPLETE']);
  });

  it('does nothing when the template is unchanged, updates when the version rises', async () => {
    fake = fakeCloudFormation({ update: () => ({ status: 'UPDATE_COMPLETE', outputs: outputs(2) }) });
    fake.seed(BOOTSTRAP_STACK, 'CREATE_COMPLETE', { outputs: outputs(1), body: source(1).template(undefined).body, protection: true });
    expect(await ensureBootstrap(conn, { source: source(1), wait })).toMatchObject({ action: 'none', deployedVersion: 1 });
    expect(fake.mock.commandCalls(UpdateStackCommand)).toHaveLength(0);
    const updated = await ensureBootstrap(conn, { source: source(2), wait });
    expect(updated).toMatchObject({ status: 'UPDATE_COMPLETE', deployedVersion: 2, message: 'Bootstrap stack updated to version 2.' });
    expect(fake.mock.commandCalls(UpdateStackCommand)).toHaveLength(1);
  });

  it('adds the Docker Hub cache once credentials are stored, and keeps the deployed one when Secrets Manager cannot be asked', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/berth-docker-hub-AbC123';
    fake = fakeCloudFormation({ update: () => ({ status: 'UPDATE_COMPLETE', outputs: { ...outputs(1), DockerHubCredentialArn: arn } }) });
    const stack = fake.seed(BOOTSTRAP_STACK, 'CREATE_COMPLETE', { outputs: outputs(1), body: source(1).template(undefined).body, protection: true });
    secrets.on(DescribeSecretCommand).resolves({ ARN: arn, Name: 'ecr-pullthroughcache/berth-docker-hub', Tags: [] });
    expect(await bootstrapStatus(conn, { source: source(1) })).toMatchObject({ action: 'update' });
    await ensureBootstrap(conn, { source: source(1), wait });
    const sent = fake.mock.commandCalls(UpdateStackCommand)[0]!.args[0].input.TemplateBody!;
    expect(JSON.parse(sent).Resources.DockerHub.Properties.CredentialArn).toBe(arn);
    // No permission to ask Secrets Manager: the bootstrap keeps its Docker Hub cache rather than losing it.
    stack.outputs = { ...outputs(1), DockerHubCredentialArn: arn };
    stack.body = sent;
    secrets.on(DescribeSecretCommand).rejects(Object.assign(new Error('User is not authorized to perform: secretsmanager:DescribeSecret'), { name: 'AccessDeniedException' }));
    expect(await ensureBootstrap(conn, { source: source(1), wait })).toMatchObject({ action: 'none' });
    expect(fake.mock.commandCalls(UpdateStackCommand)).toHaveLength(1);
  });

  it('treats "No updates are to be performed" as success', async () => {
    fake = fakeCloudFormation();
    // Same body but the version output says older: Berth tries to update and AWS finds nothing to do.
    fake.seed(BOOTSTRAP_STACK, 'UPDATE_COMPLETE', { outputs: outputs(1), body: source(2).template(undefined).body, protection: true });
    expect(await ensureBootstrap(conn, { source: source(2), wait })).toMatchObject({ action: 'none', status: 'UPDATE_COMPLETE' });
  });

  it('refuses a deployed bootstrap newer than the app', async () => {
    fake = fakeCloudFormation();
    fake.seed(BOOTSTRAP_STACK, 'UPDATE_COMPLETE', { outputs: outputs(5), protection: true });
    await expect(ensureBootstrap(conn, { source: source(2), wait })).rejects.toMatchObject({ appError: { code: 'BOOTSTRAP_NEWER', details: { deployedVersion: 5, appVersion: 2 } } });
  });

  it('keeps the shared private subnets and NAT gateways while a project deployed before per-project networks runs in them', async () => {
    fake = fakeCloudFormation();
    const legacy = { nat: true };
    fake.seed(BOOTSTRAP_STACK, 'UPDATE_COMPLETE', { outputs: outputs(1, '2'), body: source(1).template(legacy).body, protection: true });
    const old = fake.seed('berth-shop', 'UPDATE_COMPLETE', { parameters: { ClusterName: 'berth', PrivateSubnetIds: 'subnet-1,subnet-2' } });
    expect(await ensureBootstrap(conn, { source: source(1), wait })).toMatchObject({ action: 'none' });
    expect(fake.mock.commandCalls(UpdateStackCommand)).toHaveLength(0);
    // Once that project is redeployed into its own network, the next bootstrap update drops them.
    old.parameters = { ClusterName: 'berth' };
    await ensureBootstrap(conn, { source: source(1), wait });
    const body = fake.mock.commandCalls(UpdateStackCommand)[0]!.args[0].input.TemplateBody!;
    expect(body).not.toContain('PrivateSubnet1');
    expect(body).not.toContain('NatGateway');
  });

  it('turns termination protection on for an existing stack without it', async () => {
    fake = fakeCloudFormation();
    const s = fake.seed(BOOTSTRAP_STACK, 'CREATE_COMPLETE', { outputs: outputs(1), body: source(1).template(undefined).body });
    await ensureBootstrap(conn, { source: source(1), wait });
    expect(s.protection).toBe(true);
  });

  it('reports the first failed resource and its reason when creation fails', async () => {
    fake = fakeCloudFormation({
      create: () => ({
        status: 'ROLLBACK_COMPLETE',
        failures: [
          { logicalId: 'Bucket', type: 'AWS::S3::Bucket', reason: 'berth-bucket already exists' },
          { logicalId: 'Cluster', type: 'AWS::ECS::Cluster', reason: 'Resource creation cancelled' },
        ],
      }),
    });
    const error = await ensureBootstrap(conn, { source: source(1), wait }).catch((e) => e);
    expect(error.appError).toMatchObject({ code: 'BOOTSTRAP_FAILED', details: { status: 'ROLLBACK_COMPLETE', resource: 'Bucket', reason: 'berth-bucket already exists' } });
    expect(error.appError.message).toContain('Bucket (AWS::S3::Bucket) CREATE_FAILED: berth-bucket already exists');
  });

  it('recovers ROLLBACK_COMPLETE only after confirmation: delete, then create', async () => {
    fake = fakeCloudFormation({ create: () => ({ status: 'CREATE_COMPLETE', outputs: outputs(1) }) });
    fake.seed(BOOTSTRAP_STACK, 'ROLLBACK_COMPLETE', { protection: true });
    await expect(ensureBootstrap(conn, { source: source(1), wait })).rejects.toMatchObject({ appError: { code: 'BOOTSTRAP_FAILED', details: { needsConfirmation: true } } });
    const events: StackEvent[] = [];
    const status = await ensureBootstrap(conn, { source: source(1), confirmRecover: true, onEvent: (e) => events.push(e), wait });
    expect(status).toMatchObject({ status: 'CREATE_COMPLETE', action: 'none' });
    expect(events.map((e) => e.status)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  });

  it('continues a failed update rollback, then updates', async () => {
    fake = fakeCloudFormation({ update: () => ({ status: 'UPDATE_COMPLETE', outputs: outputs(2) }) });
    fake.seed(BOOTSTRAP_STACK, 'UPDATE_ROLLBACK_FAILED', { outputs: outputs(1), body: source(1).template(undefined).body, protection: true });
    expect(await ensureBootstrap(conn, { source: source(2), wait })).toMatchObject({ status: 'UPDATE_COMPLETE', deployedVersion: 2 });
  });

  it('names the resource when the continued rollback fails again', async () => {
    fake = fakeCloudFormation({
      continue: () => ({ status: 'UPDATE_ROLLBACK_FAILED', failures: [{ logicalId: 'Role', type: 'AWS::IAM::Role', reason: 'Role is in use', status: 'UPDATE_FAILED' }] }),
    });
    fake.seed(BOOTSTRAP_STACK, 'UPDATE_ROLLBACK_FAILED', { outputs: outputs(1), protection: true });
    await expect(ensureBootstrap(conn, { source: source(2), wait })).rejects.toMatchObject({ appError: { code: 'BOOTSTRAP_FAILED', details: { resource: 'Role', reason: 'Role is in use' } } });
  });

  it('waits out an operation already running, then decides', async () => {
    fake = fakeCloudFormation();
    const s = fake.seed(BOOTSTRAP_STACK, 'UPDATE_IN_PROGRESS', { outputs: outputs(1), body: source(1).template(undefined).body, protection: true });
    s.pending = { status: 'UPDATE_COMPLETE' };
    const status = await ensureBootstrap(conn, { source: source(1), wait });
    expect(status).toMatchObject({ action: 'none', status: 'UPDATE_COMPLETE' });
    expect(fake.mock.commandCalls(UpdateStackCommand)).toHaveLength(0);
  });

  it('polls with growing intervals and gives up after the time limit with STACK_BUSY', async () => {
    fake = fakeCloudFormation();
    fake.seed(BOOTSTRAP_STACK, 'UPDATE_IN_PROGRESS', { outputs: outputs(1), protection: true });
    let t = 0;
    const sleeps: number[] = [];
    await expect(
      ensureBootstrap(conn, { source: source(1), wait: { timeoutMs: 60_000, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) } }),
    ).rejects.toMatchObject({ appError: { code: 'STACK_BUSY' } });
    expect(sleeps.slice(0, 4)).toEqual([2000, 3000, 4500, 6750]);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(20_000);
  });
});
