/**
 * AWS::CertificateManager::Certificate as CloudFormation runs it against the sandbox's ACM and
 * Route 53: it completes only once ACM has issued the certificate — at once when its
 * HostedZoneId names a public zone of the account (CloudFormation writes the CNAME there), else
 * after the user adds the CNAME its stack event names.
 */
import { describe, expect, it } from 'vitest';
import { CreateStackCommand, DeleteStackCommand, DescribeStackEventsCommand, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ACMClient, DeleteCertificateCommand, DescribeCertificateCommand, ListCertificatesCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { sandboxClientConfig } from '../index';
import { sandboxForSuite } from '../testing/clients';
import { physicalIdOf, runStack } from '../testing/stacks';

type Resources = Record<string, unknown>;

const certificate = (domain: string, zone?: unknown): Resources => ({
  Type: 'AWS::CertificateManager::Certificate',
  Properties: { DomainName: domain, ValidationMethod: 'DNS', ...(zone ? { DomainValidationOptions: [{ DomainName: domain, HostedZoneId: zone }] } : {}) },
});
const template = (resources: Resources) => JSON.stringify({ Resources: resources });
const DNS_RECORD_EVENT = /^Content of DNS Record is: \{Name: (\S+),Type: CNAME,Value: (\S+)\}$/;

const network: Resources = {
  Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
  SubnetA: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/20', AvailabilityZone: 'us-east-1a' } },
  SubnetB: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.16.0/20', AvailabilityZone: 'us-east-1b' } },
  Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Subnets: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }] } },
  Web: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { TargetType: 'ip', Protocol: 'HTTP', Port: 8000, VpcId: { Ref: 'Vpc' } } },
};
const httpsListener = (certificateArn: unknown): Resources => ({
  Type: 'AWS::ElasticLoadBalancingV2::Listener',
  Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: certificateArn }], DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'Web' } }] },
});

describe('sandbox CloudFormation: ACM certificates', () => {
  const s = sandboxForSuite('berth-sandbox-certificate-');
  const acm = () => new ACMClient(sandboxClientConfig(s.sb));
  const r53 = () => new Route53Client(sandboxClientConfig(s.sb));
  const events = async (stack: string) => (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: stack }))).StackEvents!;
  const stackStatus = async (stack: string) => (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: stack }))).Stacks![0]!.StackStatus;
  const zoneRecords = async (zoneId: string) => (await r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets!;
  const acmRecord = async (arn: string) => (await acm().send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate!.DomainValidationOptions![0]!.ResourceRecord!;
  let zoneId = '';

  /** The events' validation records, once CloudFormation has written them (the stack is still in progress). */
  async function dnsRecordEvents(stack: string): Promise<{ name: string; value: string }[]> {
    for (let i = 0; i < 500; i++) {
      const found = (await events(stack)).map((e) => DNS_RECORD_EVENT.exec(e.ResourceStatusReason ?? '')).filter((m) => m !== null);
      if (found.length > 0) return found.map((m) => ({ name: m[1]!, value: m[2]! }));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no DNS record event in ${stack}`);
  }

  it('completes once CloudFormation has written the validation CNAME into the public zone its HostedZoneId names', async () => {
    zoneId = (await r53().send(new CreateHostedZoneCommand({ Name: 'shop.test', CallerReference: 'shop' }))).HostedZone!.Id!.replace('/hostedzone/', '');
    const www = { Type: 'AWS::Route53::RecordSet', Properties: { HostedZoneId: zoneId, Name: 'www.shop.test', Type: 'CNAME', TTL: '60', ResourceRecords: ['lb.example.net'] } };
    expect(await runStack(s, 'zoned', template({ Certificate: certificate('app.shop.test', zoneId), Www: www }))).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
    const arn = await physicalIdOf(s, 'zoned', 'Certificate');
    expect((await acm().send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate!.Status).toBe('ISSUED');
    const record = await acmRecord(arn);
    const written = (await zoneRecords(zoneId)).map((r) => `${r.Name} ${r.Type} ${r.ResourceRecords?.[0]?.Value}`);
    expect(written).toEqual(expect.arrayContaining([`${record.Name} CNAME ${record.Value}`, 'www.shop.test. CNAME lb.example.net']));
    const reasons = (await events('zoned')).filter((e) => e.LogicalResourceId === 'Certificate' && e.ResourceStatus === 'CREATE_IN_PROGRESS').map((e) => e.ResourceStatusReason);
    expect(reasons).toContain(`Content of DNS Record is: {Name: ${record.Name},Type: CNAME,Value: ${record.Value}}`);
  });

  it('deletes the certificate and its stack’s records with the stack, and leaves the validation CNAME it wrote, as CloudFormation does', async () => {
    const arn = await physicalIdOf(s, 'zoned', 'Certificate');
    const record = await acmRecord(arn);
    await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'zoned' }));
    await s.sb.settle();
    await expect(acm().send(new DescribeCertificateCommand({ CertificateArn: arn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const left = (await zoneRecords(zoneId)).map((r) => r.Name);
    expect(left).toContain(record.Name);
    expect(left).not.toContain('www.shop.test.');
  });

  it('stays CREATE_IN_PROGRESS without a zone, names the exact CNAME in its events, and completes once the outside DNS has it', async () => {
    const after = { Type: 'AWS::Logs::LogGroup', DependsOn: 'Certificate', Properties: { LogGroupName: '/after/certificate' } };
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'registrar', TemplateBody: template({ Certificate: certificate('www.example.org'), After: after }) }));
    const [announced] = await dnsRecordEvents('registrar');
    expect(await stackStatus('registrar')).toBe('CREATE_IN_PROGRESS');
    const resource = (await s.c.cloudformation.send(new DescribeStackResourceCommand({ StackName: 'registrar', LogicalResourceId: 'Certificate' }))).StackResourceDetail!;
    expect(resource.ResourceStatus).toBe('CREATE_IN_PROGRESS');
    await expect(s.c.cloudformation.send(new DescribeStackResourceCommand({ StackName: 'registrar', LogicalResourceId: 'After' }))).rejects.toThrow();
    const record = await acmRecord(resource.PhysicalResourceId!);
    expect(announced).toEqual({ name: record.Name, value: record.Value });
    expect(announced!.name).toMatch(/^_[0-9a-f]{32}\.www\.example\.org\.$/);
    expect(announced!.value).toMatch(/^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$/);

    s.sb.putOutsideDnsRecord({ name: announced!.name, type: 'CNAME', value: announced!.value });
    await s.sb.settle();
    expect(await stackStatus('registrar')).toBe('CREATE_COMPLETE');
  });

  it('fails a HostedZoneId that names no zone of the account, or a zone that does not cover the domain, with Route 53’s words, and keeps no certificate', async () => {
    const missing = await runStack(s, 'no-zone', template({ Certificate: certificate('nozone.shop.test', 'ZNOSUCHZONE123') }));
    expect(missing.status).toBe('ROLLBACK_COMPLETE');
    expect(missing.failed[0]!.reason).toMatch(/^No hosted zone found with ID: ZNOSUCHZONE123 \(Service: AmazonRoute53; Status Code: 404; Error Code: NoSuchHostedZone; Request ID: [0-9a-f-]{36}; Proxy: null\)$/);

    const other = (await r53().send(new CreateHostedZoneCommand({ Name: 'other.test', CallerReference: 'other' }))).HostedZone!.Id!;
    const outside = await runStack(s, 'wrong-zone', template({ Certificate: certificate('outside.shop.test', other.replace('/hostedzone/', '')) }));
    expect(outside.status).toBe('ROLLBACK_COMPLETE');
    expect(outside.failed[0]!.reason).toMatch(/^\[RRSet with DNS name _[0-9a-f]{32}\.outside\.shop\.test\. is not permitted in zone other\.test\.\] \(Service: AmazonRoute53; Status Code: 400; Error Code: InvalidChangeBatch; /);
    const domains = (await acm().send(new ListCertificatesCommand({}))).CertificateSummaryList!.map((c) => c.DomainName);
    expect(domains).not.toContain('nozone.shop.test');
    expect(domains).not.toContain('outside.shop.test');
  });

  it('serves HTTPS only with an issued certificate (CertificateNotFound for a pending one), which ACM then refuses to delete while the listener serves it', async () => {
    const pending = (await acm().send(new RequestCertificateCommand({ DomainName: 'api.example.org', ValidationMethod: 'DNS' }))).CertificateArn!;
    const refused = await runStack(s, 'https-pending', template({ ...network, Https: httpsListener(pending) }));
    expect(refused.status).toBe('ROLLBACK_COMPLETE');
    expect(refused.failed.find((f) => f.id === 'Https')!.reason).toContain(`Certificate '${pending}' not found (Service: ElasticLoadBalancingV2, Status Code: 400`);

    const record = await acmRecord(pending);
    s.sb.putOutsideDnsRecord({ name: record.Name!, value: record.Value! });
    expect(await runStack(s, 'https', template({ ...network, Https: httpsListener(pending) }))).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
    const lb = await physicalIdOf(s, 'https', 'Lb');
    expect((await acm().send(new DescribeCertificateCommand({ CertificateArn: pending }))).Certificate!.InUseBy).toEqual([lb]);
    await expect(acm().send(new DeleteCertificateCommand({ CertificateArn: pending }))).rejects.toMatchObject({ name: 'ResourceInUseException', message: `Certificate ${pending} in account 000000000000 is in use.` });
    await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'https' }));
    await s.sb.settle();
    await acm().send(new DeleteCertificateCommand({ CertificateArn: pending }));
  });

  it('cannot delete a hosted zone of the same stack while the certificate’s CNAME is left in it (HostedZoneNotEmpty), as in AWS', async () => {
    const resources = { Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'own-zone.test' } }, Certificate: certificate('own-zone.test', { Ref: 'Zone' }) };
    expect(await runStack(s, 'own-zone', template(resources))).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
    const zone = await physicalIdOf(s, 'own-zone', 'Zone');
    const record = (await zoneRecords(zone)).find((r) => r.Type === 'CNAME')!;
    await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'own-zone' }));
    await s.sb.settle();
    expect(await stackStatus('own-zone')).toBe('DELETE_FAILED');
    const failed = (await events('own-zone')).find((e) => e.LogicalResourceId === 'Zone' && e.ResourceStatus === 'DELETE_FAILED')!;
    expect(failed.ResourceStatusReason).toContain('The specified hosted zone contains non-required resource record sets and so cannot be deleted.');

    await r53().send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: record }] } }));
    await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'own-zone' }));
    await s.sb.settle();
    await expect(stackStatus('own-zone')).rejects.toThrow(/does not exist/);
  });
});

describe('sandbox CloudFormation: a certificate that is never validated', () => {
  const s = sandboxForSuite('berth-sandbox-certificate-timeout-', { deadlines: { certificateValidation: 300 } });

  it('fails with ACM’s words once ACM has timed the validation out, and the stack rolls back', async () => {
    const outcome = await runStack(s, 'forgotten', template({ Certificate: certificate('forgotten.example.org') }));
    expect(outcome.status).toBe('ROLLBACK_COMPLETE');
    expect(outcome.failed[0]!.reason).toMatch(/^Certificate arn:aws:acm:us-east-1:000000000000:certificate\/[0-9a-f-]{36} was not issued: ACM makes repeated attempts to validate a certificate for 72 hours and then times out \(status VALIDATION_TIMED_OUT\)\./);
  });
});
