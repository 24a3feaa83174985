/**
 * AWS::CertificateManager::Certificate as CloudFormation runs it: it requests the certificate
 * in ACM and stays CREATE_IN_PROGRESS until ACM issues it, with one event per validation record
 * (`Content of DNS Record is: {Name: …,Type: CNAME,Value: …}`). With a DomainValidationOption
 * whose HostedZoneId names a zone of the account, CloudFormation writes the CNAME there itself;
 * deleting the certificate leaves that record behind, as CloudFormation does.
 */
import type { SandboxCore } from '../../core';
import { SandboxError } from '../../errors';
import { uuid } from '../../ids';
import type { AcmCertificate, HostedZone } from '../../state';
import { deleteCertificate, refreshCertificate, requestCertificate, validationRecord, validationRecords } from '../../acm/certificates';
import { changeRecordSets, findZone } from '../../route53/zones';
import { cloudMapZone } from '../../network/providers';
import { allTags, ResourceFailure, str, type ProviderContext, type ProvisionedResource, type ResourceProvider } from './types';

/** The longest CloudFormation sleeps between looks at a pending certificate (a DNS change wakes it at once). */
const POLL_MS = 1000;

/** The type predates resource handlers: Route 53's errors read as the SDK v1 printed them. */
function route53Failure(error: SandboxError): ResourceFailure {
  return new ResourceFailure(`${error.message} (Service: AmazonRoute53; Status Code: ${error.status}; Error Code: ${error.code}; Request ID: ${uuid()}; Proxy: null)`);
}

interface ValidationOption {
  DomainName?: unknown;
  HostedZoneId?: unknown;
  ValidationDomain?: unknown;
}

function optionsOf(props: Record<string, unknown>): ValidationOption[] {
  return Array.isArray(props.DomainValidationOptions) ? (props.DomainValidationOptions as ValidationOption[]) : [];
}

/** The public zones CloudFormation writes validation records into, checked before anything is requested. */
function zonesToWrite(core: SandboxCore, options: ValidationOption[]): { zone: HostedZone; domain: string }[] {
  const out: { zone: HostedZone; domain: string }[] = [];
  for (const option of options) {
    if (typeof option.HostedZoneId !== 'string') continue;
    const zone = findZone(core, option.HostedZoneId);
    // A Cloud Map namespace's private zone takes the record, but public DNS never sees it.
    if (!zone && cloudMapZone(core, option.HostedZoneId)) continue;
    if (!zone) throw route53Failure(new SandboxError('NoSuchHostedZone', `No hosted zone found with ID: ${option.HostedZoneId}`, 404));
    out.push({ zone, domain: String(option.DomainName ?? '') });
  }
  return out;
}

/** Writes each validation CNAME into its zone (an existing one is kept: certificates for a domain share it). */
function writeValidationRecords(core: SandboxCore, targets: { zone: HostedZone; domain: string }[]): void {
  for (const zone of new Set(targets.map((t) => t.zone))) {
    const records = targets.filter((t) => t.zone === zone).map((t) => validationRecord(core, t.domain));
    const changes = records.filter((r, i) => records.findIndex((o) => o.name === r.name) === i).map((r) => ({ action: 'UPSERT' as const, set: { name: r.name, type: r.type, ttl: 300, values: [r.value] } }));
    try {
      changeRecordSets(core, zone, changes);
    } catch (error) {
      throw error instanceof SandboxError ? route53Failure(error) : error;
    }
  }
}

function timedOut(cert: AcmCertificate): ResourceFailure {
  return new ResourceFailure(`Certificate ${cert.arn} was not issued: ACM makes repeated attempts to validate a certificate for 72 hours and then times out (status VALIDATION_TIMED_OUT). Delete the request, correct the issue with DNS validation, and try again.`);
}

function certificateOf(ctx: ProviderContext, resource: ProvisionedResource): AcmCertificate {
  const cert = ctx.core.state.acm.certificates.get(resource.physicalId);
  if (!cert) throw new ResourceFailure(`Certificate ${resource.physicalId} no longer exists in ACM.`);
  return refreshCertificate(ctx.core, cert);
}

/** Says which records ACM waits for, once per certificate and record, as CloudFormation's events do. */
function announceRecords(ctx: ProviderContext, cert: AcmCertificate): void {
  if (cert.validationMethod !== 'DNS') return;
  for (const record of validationRecords(ctx.core, cert)) {
    const reason = `Content of DNS Record is: {Name: ${record.name},Type: ${record.type},Value: ${record.value}}`;
    if (!ctx.stack.events.some((e) => e.physicalId === cert.arn && e.reason === reason)) ctx.progress(reason);
  }
}

const certificateProvider: ResourceProvider = {
  create(ctx, props) {
    const options = optionsOf(props);
    const method = str(props, 'ValidationMethod') ?? 'EMAIL';
    const targets = method === 'DNS' ? zonesToWrite(ctx.core, options) : [];
    const cert = requestCertificate(ctx.core, {
      domainName: str(props, 'DomainName') ?? '',
      subjectAlternativeNames: Array.isArray(props.SubjectAlternativeNames) ? props.SubjectAlternativeNames.map(String) : undefined,
      validationMethod: method,
      validationDomains: Object.fromEntries(options.filter((o) => typeof o.ValidationDomain === 'string').map((o) => [String(o.DomainName).toLowerCase(), String(o.ValidationDomain)])),
      keyAlgorithm: str(props, 'KeyAlgorithm'),
      transparencyLogging: str(props, 'CertificateTransparencyLoggingPreference') === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      tags: allTags(ctx, props),
    });
    try {
      writeValidationRecords(ctx.core, targets);
    } catch (error) {
      ctx.core.state.acm.certificates.delete(cert.arn);
      throw error;
    }
    return { physicalId: cert.arn, attributes: { CertificateArn: cert.arn } };
  },
  async stabilize(ctx, resource) {
    announceRecords(ctx, certificateOf(ctx, resource));
    for (;;) {
      const cert = certificateOf(ctx, resource);
      if (cert.status === 'ISSUED') return;
      if (cert.status === 'VALIDATION_TIMED_OUT') throw timedOut(cert);
      const now = Date.now();
      const issueAt = cert.recordsSeenAt === undefined ? Infinity : cert.recordsSeenAt + ctx.core.timing.ms('certificate');
      const giveUpAt = cert.createdAt + ctx.core.timing.deadline('certificateValidation');
      await Promise.race([ctx.core.scheduler.nextSignal(), ctx.core.scheduler.sleep(Math.max(0, Math.min(POLL_MS, issueAt - now, giveUpAt - now)))]);
    }
  },
  update(ctx, resource, props) {
    const cert = certificateOf(ctx, resource);
    cert.tags = allTags(ctx, props);
    cert.transparencyLogging = str(props, 'CertificateTransparencyLoggingPreference') === 'DISABLED' ? 'DISABLED' : 'ENABLED';
    ctx.core.changed();
    return resource;
  },
  delete(ctx, resource) {
    if (!ctx.core.state.acm.certificates.has(resource.physicalId)) return;
    try {
      deleteCertificate(ctx.core, resource.physicalId);
    } catch (error) {
      // ACM's own words, as the type predates resource handlers ("Certificate … is in use.").
      throw error instanceof SandboxError ? new ResourceFailure(error.message) : error;
    }
  },
};

export const certificateProviders: Record<string, ResourceProvider> = {
  'AWS::CertificateManager::Certificate': certificateProvider,
};
