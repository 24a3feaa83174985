/**
 * AWS Certificate Manager over JSON 1.1 (`CertificateManager.*`): RequestCertificate,
 * DescribeCertificate, ListCertificates, DeleteCertificate, ListTagsForCertificate,
 * AddTagsToCertificate, RemoveTagsFromCertificate.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import type { AcmCertificate } from '../state';
import { epoch } from '../protocol/json';
import { decodeToken, encodeToken, Fields, tagsFromList, tagsToList } from '../protocol/input';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import { certificateUsers, deleteCertificate, refreshCertificate, requestCertificate, requireCertificate, validationRecord, validity } from './certificates';

const KEY_USAGES = ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'];
const EXTENDED_KEY_USAGES = [
  { Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' },
  { Name: 'TLS_WEB_CLIENT_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.2' },
];
/** ListCertificates shows only these key types unless `Includes.keyTypes` asks for others. */
const DEFAULT_KEY_TYPES = ['RSA_1024', 'RSA_2048'];

const issued = (cert: AcmCertificate) => cert.status === 'ISSUED';

function domainStatus(cert: AcmCertificate): string {
  return cert.status === 'ISSUED' ? 'SUCCESS' : cert.status === 'VALIDATION_TIMED_OUT' ? 'FAILED' : 'PENDING_VALIDATION';
}

function domainValidation(core: SandboxCore, cert: AcmCertificate, name: string) {
  const common = { DomainName: name, ValidationStatus: domainStatus(cert), ValidationMethod: cert.validationMethod };
  if (cert.validationMethod === 'DNS') {
    const record = validationRecord(core, name);
    return { ...common, ValidationDomain: name, ResourceRecord: { Name: record.name, Type: record.type, Value: record.value } };
  }
  const domain = cert.validationDomains[name] ?? name;
  return { ...common, ValidationDomain: domain, ValidationEmails: ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'].map((box) => `${box}@${domain}`) };
}

function certificateView(core: SandboxCore, cert: AcmCertificate) {
  const dates = validity(cert);
  const users = certificateUsers(core, cert.arn);
  return {
    CertificateArn: cert.arn,
    DomainName: cert.domainName,
    SubjectAlternativeNames: cert.names,
    DomainValidationOptions: cert.names.map((n) => domainValidation(core, cert, n)),
    ...(issued(cert) ? { Serial: cert.serial, Subject: `CN=${cert.domainName}`, Issuer: 'Amazon (Berth sandbox)' } : {}),
    CreatedAt: epoch(cert.createdAt),
    ...(dates ? { IssuedAt: epoch(cert.issuedAt), NotBefore: epoch(dates.notBefore), NotAfter: epoch(dates.notAfter) } : {}),
    Status: cert.status,
    // DescribeCertificate writes the key algorithm with a hyphen (`RSA-2048`), ListCertificates with an underscore.
    KeyAlgorithm: cert.keyAlgorithm.replace('_', '-'),
    SignatureAlgorithm: cert.keyAlgorithm.startsWith('EC') ? 'SHA256WITHECDSA' : 'SHA256WITHRSA',
    InUseBy: users,
    Type: 'AMAZON_ISSUED',
    KeyUsages: issued(cert) ? KEY_USAGES.map((Name) => ({ Name })) : [],
    ExtendedKeyUsages: issued(cert) ? EXTENDED_KEY_USAGES : [],
    RenewalEligibility: issued(cert) && users.length > 0 ? 'ELIGIBLE' : 'INELIGIBLE',
    Options: { CertificateTransparencyLoggingPreference: cert.transparencyLogging },
  };
}

function summaryView(core: SandboxCore, cert: AcmCertificate) {
  const dates = validity(cert);
  return {
    CertificateArn: cert.arn,
    DomainName: cert.domainName,
    SubjectAlternativeNameSummaries: cert.names,
    HasAdditionalSubjectAlternativeNames: false,
    Status: cert.status,
    Type: 'AMAZON_ISSUED',
    KeyAlgorithm: cert.keyAlgorithm,
    KeyUsages: issued(cert) ? KEY_USAGES : [],
    ExtendedKeyUsages: issued(cert) ? EXTENDED_KEY_USAGES.map((u) => u.Name) : [],
    InUse: certificateUsers(core, cert.arn).length > 0,
    RenewalEligibility: 'INELIGIBLE',
    CreatedAt: epoch(cert.createdAt),
    ...(dates ? { IssuedAt: epoch(cert.issuedAt), NotBefore: epoch(dates.notBefore), NotAfter: epoch(dates.notAfter) } : {}),
  };
}

function arnOf(input: Record<string, unknown>): string {
  return new Fields(input).str('CertificateArn');
}

const ops: Record<string, JsonOperation> = {
  RequestCertificate(input, core) {
    const f = new Fields(input);
    if (f.optStr('CertificateAuthorityArn')) fail('ValidationException', 'The Berth sandbox issues public certificates only (no AWS Private CA).');
    const options = f.optObj('Options');
    const cert = requestCertificate(core, {
      domainName: f.str('DomainName'),
      subjectAlternativeNames: f.strList('SubjectAlternativeNames'),
      validationMethod: f.optStr('ValidationMethod'),
      validationDomains: Object.fromEntries((f.objList('DomainValidationOptions') ?? []).map((o) => [String(o.DomainName).toLowerCase(), String(o.ValidationDomain)])),
      keyAlgorithm: f.optStr('KeyAlgorithm'),
      transparencyLogging: options?.CertificateTransparencyLoggingPreference === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      idempotencyToken: f.optStr('IdempotencyToken'),
      tags: tagsFromList(f.objList('Tags')),
    });
    return { CertificateArn: cert.arn };
  },
  DescribeCertificate(input, core) {
    return { Certificate: certificateView(core, requireCertificate(core, arnOf(input))) };
  },
  ListCertificates(input, core) {
    const f = new Fields(input);
    const statuses = f.strList('CertificateStatuses') ?? [];
    const keyTypes = (f.optObj('Includes')?.keyTypes as string[] | undefined) ?? DEFAULT_KEY_TYPES;
    const all = [...core.state.acm.certificates.values()]
      .map((c) => refreshCertificate(core, c))
      .filter((c) => (statuses.length === 0 || statuses.includes(c.status)) && keyTypes.includes(c.keyAlgorithm));
    const start = Number(decodeToken(f.optStr('NextToken'), 'InvalidArgsException') ?? 0);
    const max = f.optNum('MaxItems') ?? 1000;
    const page = all.slice(start, start + max);
    return { CertificateSummaryList: page.map((c) => summaryView(core, c)), ...(start + max < all.length ? { NextToken: encodeToken(start + max) } : {}) };
  },
  DeleteCertificate(input, core) {
    deleteCertificate(core, arnOf(input));
    return {};
  },
  ListTagsForCertificate(input, core) {
    return { Tags: tagsToList(requireCertificate(core, arnOf(input)).tags) };
  },
  AddTagsToCertificate(input, core) {
    const cert = requireCertificate(core, arnOf(input));
    cert.tags = { ...cert.tags, ...tagsFromList(new Fields(input).objList('Tags')) };
    core.changed();
    return {};
  },
  RemoveTagsFromCertificate(input, core) {
    const cert = requireCertificate(core, arnOf(input));
    for (const tag of new Fields(input).objList('Tags') ?? []) {
      if (tag.Value === undefined || cert.tags[String(tag.Key)] === tag.Value) delete cert.tags[String(tag.Key)];
    }
    core.changed();
    return {};
  },
};

/** Handles one ACM request. */
export function handleAcm(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'ACM');
}
