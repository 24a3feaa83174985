/**
 * ACM certificates as ACM validates them: a DNS-validated certificate is PENDING_VALIDATION
 * until every name's validation CNAME is answered by public DNS — the most specific public
 * Route 53 zone of the sandbox, or the outside world's DNS — then ISSUED a little later; after
 * 72 hours without it, VALIDATION_TIMED_OUT. Email validation never completes (the sandbox
 * sends no mail). Status is brought up to date whenever a certificate is read.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import { uuid } from '../ids';
import type { AcmCertificate } from '../state';
import { publicCnameValues } from '../route53/zones';
import { outsideCnameValue } from '../network/outside-dns';

/** ACM's pattern for a domain name (a leading `*.` is a wildcard). */
const DOMAIN_PATTERN = '(\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])';
const DOMAIN = new RegExp(`^${DOMAIN_PATTERN}$`);
const IDEMPOTENCY_WINDOW_MS = 3_600_000;
const VALIDITY_MS = 395 * 86_400_000;

export interface ValidationRecord {
  name: string;
  type: 'CNAME';
  value: string;
}

export interface CertificateRequest {
  domainName: string;
  subjectAlternativeNames?: string[];
  validationMethod?: string;
  /** Email validation: the domain whose owner approves each name. */
  validationDomains?: Record<string, string>;
  keyAlgorithm?: string;
  transparencyLogging?: 'ENABLED' | 'DISABLED';
  idempotencyToken?: string;
  tags?: Record<string, string>;
}

const baseDomain = (name: string) => name.replace(/^\*\./, '').toLowerCase();

/** The CNAME ACM asks for: the same for a domain every time in this account, a wildcard sharing its base domain's. */
export function validationRecord(core: SandboxCore, name: string): ValidationRecord {
  const base = baseDomain(name);
  const left = createHash('sha256').update(`${core.account}|${base}|${core.state.acm.salt}`).digest();
  const right = createHash('sha256').update(left).digest();
  const letters = [...right.subarray(16, 26)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  return { name: `_${left.subarray(0, 16).toString('hex')}.${base}.`, type: 'CNAME', value: `_${right.subarray(0, 16).toString('hex')}.${letters}.acm-validations.aws.` };
}

/** The distinct validation records a certificate needs (a name and its wildcard share one). */
export function validationRecords(core: SandboxCore, cert: Pick<AcmCertificate, 'names'>): ValidationRecord[] {
  const records = cert.names.map((n) => validationRecord(core, n));
  return records.filter((r, i) => records.findIndex((o) => o.name === r.name) === i);
}

function absolute(value: string): string {
  const lower = value.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** True when public DNS answers the record's name with its value. */
export function recordVisible(core: SandboxCore, record: ValidationRecord): boolean {
  const answers = [...publicCnameValues(core, record.name), outsideCnameValue(core, record.name)];
  return answers.some((v) => v !== undefined && absolute(v) === record.value);
}

function checkDomain(value: string, field: string): void {
  if (!DOMAIN.test(value) || value.length > 253) fail('ValidationException', `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${DOMAIN_PATTERN}`);
}

/** RequestCertificate: a new certificate pending validation (the same one again for a token reused within the hour). */
export function requestCertificate(core: SandboxCore, input: CertificateRequest): AcmCertificate {
  checkDomain(input.domainName, 'domainName');
  for (const san of input.subjectAlternativeNames ?? []) checkDomain(san, 'subjectAlternativeNames');
  const method = input.validationMethod ?? 'EMAIL';
  if (method !== 'DNS' && method !== 'EMAIL') fail('ValidationException', `1 validation error detected: Value '${method}' at 'validationMethod' failed to satisfy constraint: Member must satisfy enum value set: [EMAIL, DNS, HTTP]`);
  if (input.idempotencyToken) {
    const earlier = [...core.state.acm.certificates.values()].find((c) => c.idempotencyToken === input.idempotencyToken && Date.now() - c.createdAt < IDEMPOTENCY_WINDOW_MS);
    if (earlier) return earlier;
  }
  const names = [...new Set([input.domainName, ...(input.subjectAlternativeNames ?? [])].map((n) => n.toLowerCase()))];
  const cert: AcmCertificate = {
    arn: `arn:aws:acm:${core.region}:${core.account}:certificate/${uuid()}`,
    domainName: input.domainName.toLowerCase(),
    names,
    validationMethod: method,
    validationDomains: Object.fromEntries(names.map((n) => [n, (input.validationDomains?.[n] ?? baseDomain(n)).toLowerCase()])),
    status: 'PENDING_VALIDATION',
    createdAt: Date.now(),
    keyAlgorithm: input.keyAlgorithm ?? 'RSA_2048',
    transparencyLogging: input.transparencyLogging ?? 'ENABLED',
    ...(input.idempotencyToken ? { idempotencyToken: input.idempotencyToken } : {}),
    tags: input.tags ?? {},
  };
  core.state.acm.certificates.set(cert.arn, cert);
  core.changed();
  return refreshCertificate(core, cert);
}

/** Brings a pending certificate's status up to date: ISSUED a moment after its records are visible, timed out past the deadline. */
export function refreshCertificate(core: SandboxCore, cert: AcmCertificate): AcmCertificate {
  if (cert.status !== 'PENDING_VALIDATION') return cert;
  const now = Date.now();
  const before = `${cert.status}|${cert.recordsSeenAt}`;
  const visible = cert.validationMethod === 'DNS' && validationRecords(core, cert).every((r) => recordVisible(core, r));
  if (visible) {
    cert.recordsSeenAt ??= now;
    if (now - cert.recordsSeenAt >= core.timing.ms('certificate')) {
      cert.status = 'ISSUED';
      cert.issuedAt = now;
      cert.serial = [...randomBytes(16)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    }
  } else {
    cert.recordsSeenAt = undefined;
    if (now - cert.createdAt >= core.timing.deadline('certificateValidation')) cert.status = 'VALIDATION_TIMED_OUT';
  }
  if (`${cert.status}|${cert.recordsSeenAt}` !== before) core.changed();
  return cert;
}

/** When an issued certificate is valid (ACM's are good for 395 days). */
export function validity(cert: AcmCertificate): { notBefore: number; notAfter: number } | undefined {
  return cert.issuedAt === undefined ? undefined : { notBefore: cert.issuedAt, notAfter: cert.issuedAt + VALIDITY_MS };
}

/** The certificate, up to date, or ACM's ResourceNotFoundException. */
export function requireCertificate(core: SandboxCore, arn: string): AcmCertificate {
  const cert = core.state.acm.certificates.get(arn);
  if (!cert) fail('ResourceNotFoundException', `Could not find certificate ${arn}.`);
  return refreshCertificate(core, cert);
}

/** The ARNs in a listener's `Certificates: [{CertificateArn}]`. */
export const certificateArns = (value: unknown): string[] => (Array.isArray(value) ? value.map((c) => String((c as { CertificateArn?: unknown }).CertificateArn ?? '')) : []);

/** The load balancers whose listeners serve the certificate, as ACM's InUseBy lists them. */
export function certificateUsers(core: SandboxCore, arn: string): string[] {
  const resources = [...core.state.resources.values()];
  const listeners = resources.filter((r) => r.type === 'AWS::ElasticLoadBalancingV2::Listener');
  const users = new Set<string>();
  for (const l of listeners) if (certificateArns(l.properties.Certificates).includes(arn)) users.add(String(l.properties.LoadBalancerArn));
  for (const extra of resources.filter((r) => r.type === 'AWS::ElasticLoadBalancingV2::ListenerCertificate' && certificateArns(r.properties.Certificates).includes(arn))) {
    const owner = listeners.find((l) => l.physicalId === extra.properties.ListenerArn);
    if (owner) users.add(String(owner.properties.LoadBalancerArn));
  }
  return [...users].sort();
}

/** DeleteCertificate: refused while a load balancer serves it. */
export function deleteCertificate(core: SandboxCore, arn: string): void {
  requireCertificate(core, arn);
  if (certificateUsers(core, arn).length > 0) fail('ResourceInUseException', `Certificate ${arn} in account ${core.account} is in use.`);
  core.state.acm.certificates.delete(arn);
  core.changed();
}
