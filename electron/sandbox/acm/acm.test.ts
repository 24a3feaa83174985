/** The sandbox's ACM through the real SDK client: a DNS-validated certificate is issued only once public DNS answers its validation CNAME, and times out after ACM's 72 hours. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACMClient, AddTagsToCertificateCommand, DeleteCertificateCommand, DescribeCertificateCommand, ListCertificatesCommand, ListTagsForCertificateCommand, RequestCertificateCommand, type CertificateDetail } from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { sandboxClientConfig, startSandbox, type Sandbox } from '../index';
import { sandboxForSuite } from '../testing/clients';

const acmOf = (sb: Sandbox) => new ACMClient(sandboxClientConfig(sb));
const r53Of = (sb: Sandbox) => new Route53Client(sandboxClientConfig(sb));

async function request(sb: Sandbox, domain: string, extra: { SubjectAlternativeNames?: string[] } = {}): Promise<string> {
  return (await acmOf(sb).send(new RequestCertificateCommand({ DomainName: domain, ValidationMethod: 'DNS', ...extra }))).CertificateArn!;
}

async function describeCert(sb: Sandbox, arn: string): Promise<CertificateDetail> {
  return (await acmOf(sb).send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate!;
}

/** The validation CNAME ACM asks for, as DescribeCertificate shows it. */
async function recordOf(sb: Sandbox, arn: string): Promise<{ name: string; value: string }> {
  const record = (await describeCert(sb, arn)).DomainValidationOptions![0]!.ResourceRecord!;
  return { name: record.Name!, value: record.Value! };
}

async function publicZone(sb: Sandbox, name: string): Promise<string> {
  return (await r53Of(sb).send(new CreateHostedZoneCommand({ Name: name, CallerReference: name }))).HostedZone!.Id!;
}

async function addCname(sb: Sandbox, zoneId: string, name: string, value: string): Promise<void> {
  await r53Of(sb).send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: value }] } }] } }));
}

describe('sandbox ACM: DNS validation', () => {
  const s = sandboxForSuite('berth-sandbox-acm-');

  it('keeps a DNS-validated certificate PENDING_VALIDATION with a _<32 hex> CNAME that is the same for its domain every time', async () => {
    const arn = await request(s.sb, 'app.shop.test', { SubjectAlternativeNames: ['*.app.shop.test'] });
    expect(arn).toMatch(/^arn:aws:acm:us-east-1:000000000000:certificate\/[0-9a-f-]{36}$/);
    const cert = await describeCert(s.sb, arn);
    expect(cert).toMatchObject({ DomainName: 'app.shop.test', SubjectAlternativeNames: ['app.shop.test', '*.app.shop.test'], Status: 'PENDING_VALIDATION', Type: 'AMAZON_ISSUED', KeyAlgorithm: 'RSA-2048', InUseBy: [] });
    const [apex, wildcard] = cert.DomainValidationOptions!;
    expect(apex).toMatchObject({ DomainName: 'app.shop.test', ValidationMethod: 'DNS', ValidationStatus: 'PENDING_VALIDATION' });
    expect(apex!.ResourceRecord).toEqual({ Name: expect.stringMatching(/^_[0-9a-f]{32}\.app\.shop\.test\.$/), Type: 'CNAME', Value: expect.stringMatching(/^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$/) });
    // A wildcard is validated by its base domain's record, and ACM hands out the same record again.
    expect(wildcard!.ResourceRecord).toEqual(apex!.ResourceRecord);
    expect(await recordOf(s.sb, await request(s.sb, 'app.shop.test'))).toEqual({ name: apex!.ResourceRecord!.Name, value: apex!.ResourceRecord!.Value });
    expect((await recordOf(s.sb, await request(s.sb, 'api.shop.test'))).name).toMatch(/^_[0-9a-f]{32}\.api\.shop\.test\.$/);
    const issuedOnly = await acmOf(s.sb).send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }));
    expect(issuedOnly.CertificateSummaryList!.map((c) => c.CertificateArn)).not.toContain(arn);
  });

  it('issues the certificate once a public Route 53 zone that covers the domain answers the CNAME, and not for a wrong value', async () => {
    const arn = await request(s.sb, 'www.zone.test');
    const record = await recordOf(s.sb, arn);
    const zone = await publicZone(s.sb, 'zone.test');
    await addCname(s.sb, zone, record.name, '_wrong.value.acm-validations.aws.');
    expect((await describeCert(s.sb, arn)).Status).toBe('PENDING_VALIDATION');
    await addCname(s.sb, zone, record.name, record.value);
    const cert = await describeCert(s.sb, arn);
    expect(cert).toMatchObject({ Status: 'ISSUED', Subject: 'CN=www.zone.test', DomainValidationOptions: [{ ValidationStatus: 'SUCCESS' }] });
    expect(cert.NotAfter!.getTime() - cert.NotBefore!.getTime()).toBe(395 * 86_400_000);
    const issued = await acmOf(s.sb).send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }));
    expect(issued.CertificateSummaryList!.find((c) => c.CertificateArn === arn)).toMatchObject({ DomainName: 'www.zone.test', Status: 'ISSUED', KeyAlgorithm: 'RSA_2048', InUse: false });
  });

  it('issues the certificate once the outside world’s DNS (the user’s registrar) has the CNAME: through the Sandbox call or its HTTP path', async () => {
    const first = await request(s.sb, 'shop.example.org');
    const record = await recordOf(s.sb, first);
    expect(s.sb.putOutsideDnsRecord({ name: record.name, type: 'CNAME', value: record.value })).toEqual({ name: record.name, type: 'CNAME', value: record.value });
    expect((await describeCert(s.sb, first)).Status).toBe('ISSUED');

    const second = await request(s.sb, 'blog.example.org');
    const other = await recordOf(s.sb, second);
    const put = await fetch(`${s.sb.endpoint}/_sandbox/outside-dns`, { method: 'PUT', body: JSON.stringify({ name: other.name, type: 'CNAME', value: other.value.replace(/\.$/, '') }) });
    expect(put.status).toBe(200);
    expect((await describeCert(s.sb, second)).Status).toBe('ISSUED');
    const listed = (await (await fetch(`${s.sb.endpoint}/_sandbox/outside-dns`)).json()) as { records: { name: string }[] };
    expect(listed.records.map((r) => r.name)).toEqual(expect.arrayContaining([record.name, other.name]));
    expect(s.sb.outsideDns()).toHaveLength(listed.records.length);
  });

  it('tags, deletes, and then no longer finds a certificate', async () => {
    const acm = acmOf(s.sb);
    const arn = await request(s.sb, 'tagged.shop.test');
    await acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'berth:project', Value: 'shop' }] }));
    expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([{ Key: 'berth:project', Value: 'shop' }]);
    await acm.send(new DeleteCertificateCommand({ CertificateArn: arn }));
    await expect(acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: `Could not find certificate ${arn}.` });
  });
});

describe('sandbox ACM: the 72-hour validation timeout', () => {
  const s = sandboxForSuite('berth-sandbox-acm-timeout-', { deadlines: { certificateValidation: 150 } });

  it('times a certificate out when its CNAME never appears, and a late record does not bring it back', async () => {
    const arn = await request(s.sb, 'late.shop.test');
    expect((await describeCert(s.sb, arn)).Status).toBe('PENDING_VALIDATION');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cert = await describeCert(s.sb, arn);
    expect(cert).toMatchObject({ Status: 'VALIDATION_TIMED_OUT', DomainValidationOptions: [{ ValidationStatus: 'FAILED' }] });
    const record = await recordOf(s.sb, arn);
    s.sb.putOutsideDnsRecord({ name: record.name, value: record.value });
    expect((await describeCert(s.sb, arn)).Status).toBe('VALIDATION_TIMED_OUT');
    const timedOut = await acmOf(s.sb).send(new ListCertificatesCommand({ CertificateStatuses: ['VALIDATION_TIMED_OUT'] }));
    expect(timedOut.CertificateSummaryList!.map((c) => c.CertificateArn)).toEqual([arn]);
  });
});

describe('sandbox ACM and Route 53 after a restart', () => {
  it('keeps certificates, zones, their records and the outside DNS in the state file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-acm-restart-'));
    try {
      const first = await startSandbox({ dataDir: dir });
      const arn = await request(first, 'kept.shop.test');
      const record = await recordOf(first, arn);
      const zone = await publicZone(first, 'shop.test');
      first.putOutsideDnsRecord({ name: 'www.elsewhere.test', value: 'lb.example.net' });
      await first.close();

      const second = await startSandbox({ dataDir: dir });
      try {
        expect((await describeCert(second, arn)).DomainValidationOptions![0]!.ResourceRecord!.Value).toBe(record.value);
        await addCname(second, zone, record.name, record.value);
        expect((await describeCert(second, arn)).Status).toBe('ISSUED');
        expect(second.outsideDns()).toEqual([{ name: 'www.elsewhere.test.', type: 'CNAME', value: 'lb.example.net.' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
