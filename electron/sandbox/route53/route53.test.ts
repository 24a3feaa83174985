/** The sandbox's Route 53 API through the real SDK client: public zones, change batches with Route 53's own refusals, listings in Route 53's order. */
import { describe, expect, it } from 'vitest';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  GetHostedZoneCountCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Change,
} from '@aws-sdk/client-route-53';
import { sandboxClientConfig } from '../index';
import { sandboxForSuite } from '../testing/clients';

const cname = (name: string, value: string, action: Change['Action'] = 'CREATE'): Change => ({ Action: action, ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: value }] } });

describe('sandbox Route 53: public hosted zones', () => {
  const s = sandboxForSuite('berth-sandbox-route53-');
  const r53 = () => new Route53Client(sandboxClientConfig(s.sb));
  let zoneId = '';

  async function createZone(name: string, reference = `${name}-${Math.random()}`): Promise<string> {
    return (await r53().send(new CreateHostedZoneCommand({ Name: name, CallerReference: reference }))).HostedZone!.Id!;
  }

  it('creates a public zone with its SOA and NS records on four awsdns name servers, and gets it', async () => {
    const created = await r53().send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'first', HostedZoneConfig: { Comment: 'shop' } }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.Location).toMatch(/\/2013-04-01\/hostedzone\/Z[A-Z0-9]+$/);
    expect(created.HostedZone).toMatchObject({ Id: expect.stringMatching(/^\/hostedzone\/Z[A-Z0-9]{20}$/), Name: 'example.com.', CallerReference: 'first', Config: { Comment: 'shop', PrivateZone: false }, ResourceRecordSetCount: 2 });
    expect(created.ChangeInfo).toMatchObject({ Id: expect.stringMatching(/^\/change\/C/), Status: expect.stringMatching(/^(PENDING|INSYNC)$/) });
    const servers = created.DelegationSet!.NameServers!;
    expect(servers).toHaveLength(4);
    for (const ns of servers) expect(ns).toMatch(/^ns-\d{1,4}\.awsdns-\d\d\.(com|net|org|co\.uk)$/);
    zoneId = created.HostedZone!.Id!;

    const got = await r53().send(new GetHostedZoneCommand({ Id: zoneId }));
    expect(got.HostedZone!.Name).toBe('example.com.');
    expect(got.DelegationSet!.NameServers).toEqual(servers);
    const records = (await r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets!;
    expect(records.map((r) => [r.Name, r.Type])).toEqual([
      ['example.com.', 'NS'],
      ['example.com.', 'SOA'],
    ]);
    expect(records[0]!.ResourceRecords!.map((r) => r.Value)).toEqual(servers.map((n) => `${n}.`));
    expect(records[1]!.ResourceRecords![0]!.Value).toBe(`${servers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`);
    expect((await r53().send(new GetChangeCommand({ Id: created.ChangeInfo!.Id }))).ChangeInfo!.Status).toBe('INSYNC');
  });

  it('refuses a CallerReference used before, a bare top-level domain, and an unknown zone with Route 53’s errors', async () => {
    await expect(r53().send(new CreateHostedZoneCommand({ Name: 'other.com', CallerReference: 'first' }))).rejects.toMatchObject({
      name: 'HostedZoneAlreadyExists',
      message: 'A hosted zone has already been created with the specified caller reference.',
      $metadata: { httpStatusCode: 409 },
    });
    await expect(r53().send(new CreateHostedZoneCommand({ Name: 'com', CallerReference: 'tld' }))).rejects.toMatchObject({ name: 'InvalidDomainName', message: 'com is reserved by AWS!' });
    await expect(r53().send(new GetHostedZoneCommand({ Id: 'ZNOSUCHZONE000' }))).rejects.toMatchObject({ name: 'NoSuchHostedZone', message: 'No hosted zone found with ID: ZNOSUCHZONE000', $metadata: { httpStatusCode: 404 } });
  });

  it('applies a change batch whole or not at all, refusing it with Route 53’s InvalidChangeBatch messages', async () => {
    const change = (changes: Change[]) => r53().send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
    const done = await change([cname('www.example.com', 'shop.example.net')]);
    expect(done.ChangeInfo!.Id).toMatch(/^\/change\/C/);
    await expect(change([cname('www.example.com', 'other.example.net')])).rejects.toMatchObject({ name: 'InvalidChangeBatch', message: "[Tried to create resource record set [name='www.example.com.', type='CNAME'] but it already exists]" });
    // One bad change spoils the batch: the good one is not applied either.
    await expect(change([cname('api.example.com', 'api.example.net'), cname('outside.example.org', 'x.example.net')])).rejects.toMatchObject({ message: '[RRSet with DNS name outside.example.org. is not permitted in zone example.com.]' });
    await expect(change([cname('example.com', 'x.example.net')])).rejects.toMatchObject({ message: '[RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com.]' });
    await expect(change([{ Action: 'CREATE', ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } }])).rejects.toMatchObject({
      message: '[RRSet of type A with DNS name www.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone example.com.]',
    });
    await expect(change([cname('gone.example.com', 'x.example.net', 'DELETE')])).rejects.toMatchObject({ message: "[Tried to delete resource record set [name='gone.example.com.', type='CNAME'] but it was not found]" });
    await expect(change([cname('www.example.com', 'other.example.net', 'DELETE')])).rejects.toMatchObject({ message: "[Tried to delete resource record set [name='www.example.com.', type='CNAME'] but the values provided do not match the current values]" });
    await expect(change([{ Action: 'CREATE', ResourceRecordSet: { Name: 'bare.example.com', Type: 'A' } }])).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=CREATE, Name=bare.example.com., Type=A, SetIdentifier=null]',
    });
    await change([cname('www.example.com', 'moved.example.net', 'UPSERT'), { Action: 'CREATE', ResourceRecordSet: { Name: '*.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.7' }] } }]);

    const records = (await r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets!;
    expect(records.map((r) => `${r.Name} ${r.Type} ${r.ResourceRecords?.[0]?.Value}`)).toEqual([
      expect.stringMatching(/^example\.com\. NS ns-/),
      expect.stringMatching(/^example\.com\. SOA ns-/),
      // Route 53 lists a wildcard with its asterisk escaped.
      '\\052.example.com. A 192.0.2.7',
      'www.example.com. CNAME moved.example.net',
    ]);
    const fromWww = await r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'www.example.com', MaxItems: 1 }));
    expect(fromWww.ResourceRecordSets!.map((r) => r.Name)).toEqual(['www.example.com.']);
    expect(fromWww.IsTruncated).toBe(false);
  });

  it('lists zones by name with the labels reversed, from a DNSName, MaxItems at a time', async () => {
    for (const name of ['www.sorting.test', 'sorting.test', 'b.sorting.test', 'a-b.sorting.test', 'a.sorting.test']) await createZone(name);
    const first = await r53().send(new ListHostedZonesByNameCommand({ DNSName: 'sorting.test', MaxItems: 3 }));
    expect(first.HostedZones!.map((z) => z.Name)).toEqual(['sorting.test.', 'a-b.sorting.test.', 'a.sorting.test.']);
    expect(first).toMatchObject({ DNSName: 'sorting.test', IsTruncated: true, NextDNSName: 'b.sorting.test.', MaxItems: 3 });
    const rest = await r53().send(new ListHostedZonesByNameCommand({ DNSName: first.NextDNSName, HostedZoneId: first.NextHostedZoneId, MaxItems: 3 }));
    expect(rest.HostedZones!.map((z) => z.Name)).toEqual(['b.sorting.test.', 'www.sorting.test.']);
    expect(rest.IsTruncated).toBe(false);
    expect((await r53().send(new ListHostedZonesByNameCommand({ DNSName: 'zz.zz' }))).HostedZones).toEqual([]);

    const all = await r53().send(new ListHostedZonesCommand({ MaxItems: 4 }));
    expect(all.HostedZones).toHaveLength(4);
    expect(all.IsTruncated).toBe(true);
    const more = await r53().send(new ListHostedZonesCommand({ Marker: all.NextMarker }));
    expect(all.HostedZones!.length + more.HostedZones!.length).toBe((await r53().send(new GetHostedZoneCountCommand({}))).HostedZoneCount);
  });

  it('refuses to delete a zone that still holds records of its own, and deletes it once only SOA and NS are left', async () => {
    const id = await createZone('empty-me.test');
    await r53().send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [cname('www.empty-me.test', 'x.example.net')] } }));
    await expect(r53().send(new DeleteHostedZoneCommand({ Id: id }))).rejects.toMatchObject({ name: 'HostedZoneNotEmpty', message: 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.' });
    await r53().send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [cname('www.empty-me.test', 'x.example.net', 'DELETE')] } }));
    expect((await r53().send(new DeleteHostedZoneCommand({ Id: id }))).ChangeInfo!.Id).toMatch(/^\/change\//);
    await expect(r53().send(new GetHostedZoneCommand({ Id: id }))).rejects.toMatchObject({ name: 'NoSuchHostedZone' });
  });
});
