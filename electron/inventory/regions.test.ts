import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createClients, destroyClients } from '../aws/clients';
import { BERTH_REGIONS } from '../aws/regions';
import { listInventory } from './regions';

const cfn = mockClient(CloudFormationClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const credentials = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
const identity = { account: '1', arn: 'arn:aws:iam::1:user/a', userId: 'u', principalKind: 'user' as const };
const home = createClients({ region: 'us-east-1' }, credentials, 't');
afterAll(() => destroyClients(home));

beforeEach(() => {
  cfn.reset();
  tagging.reset();
  tagging.on(GetResourcesCommand).resolves({});
  cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
  cfn.on(DescribeStacksCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    if (region === 'ap-northeast-3') throw Object.assign(new Error('The security token included in the request is invalid'), { name: 'UnrecognizedClientException', $metadata: {} });
    if (region === 'eu-west-1') return { Stacks: [{ StackName: 'berth-bootstrap', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0) }] };
    return { Stacks: [] };
  });
});

describe('listInventory', () => {
  it('scans every Berth region when asked, keeping those with something and skipping ones not enabled', async () => {
    const conn = { clients: home, identity, target: { region: 'us-east-1' }, credentials };
    const all = await listInventory(conn, { allRegions: true, version: 't' });
    expect(all.map((i) => i.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(BERTH_REGIONS.length);
    expect((await listInventory(conn, { version: 't' })).map((i) => i.region)).toEqual(['us-east-1']);
  });

  it('scans only the connected region of a custom endpoint', async () => {
    const conn = { clients: home, identity, target: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, credentials };
    expect((await listInventory(conn, { allRegions: true, version: 't' })).map((i) => i.region)).toEqual(['us-east-1']);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });
});
