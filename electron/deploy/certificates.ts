/**
 * Certificates for `domainname`s: which of them CloudFormation can validate by itself (the
 * account has the domain's public hosted zone); the record ACM asks for otherwise is read by
 * shared/domain/certificates.ts.
 */
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { ProjectModel } from '../../shared/domain/project';
import { publicZonesFor, type HostedZoneMatch } from '../aws/hosted-zones';

/** The domains a project asks certificates for. */
export function projectDomains(project: ProjectModel): string[] {
  return [...new Set(project.services.flatMap((s) => (s.domainname ? [s.domainname] : [])))].sort();
}

/** Each domain's public hosted zone, or undefined when Route 53 could not be asked (then nothing is pinned: the deploy shows the record). */
export async function hostedZonesOf(route53: Route53Client, project: ProjectModel): Promise<Record<string, HostedZoneMatch | null> | undefined> {
  const domains = projectDomains(project);
  if (domains.length === 0) return {};
  try {
    return await publicZonesFor(route53, domains);
  } catch {
    // No route53:ListHostedZones permission (or Route 53 unreachable): validation falls back to a record the user adds.
    return undefined;
  }
}

