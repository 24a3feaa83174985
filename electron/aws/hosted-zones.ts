/**
 * The account's public Route 53 hosted zones for a project's domains. With the zone in the
 * account, CloudFormation writes the certificate's validation record itself
 * (`DomainValidationOptions[].HostedZoneId`); without it, the user adds the record where the
 * domain's DNS is served, and the deploy says exactly which one.
 */
import { paginateListHostedZones, type Route53Client } from '@aws-sdk/client-route-53';

export interface HostedZoneMatch {
  /** The zone id without Route 53's `/hostedzone/` prefix (what HostedZoneId takes). */
  id: string;
  /** The zone's name, without the trailing dot. */
  name: string;
}

/** `Example.COM.` → `example.com`. */
function bare(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** For each domain, the deepest public zone whose name is the domain or one of its parents; null when the account has none. */
export async function publicZonesFor(route53: Route53Client, domains: readonly string[]): Promise<Record<string, HostedZoneMatch | null>> {
  const zones: HostedZoneMatch[] = [];
  for await (const page of paginateListHostedZones({ client: route53 }, {})) {
    for (const z of page.HostedZones ?? []) {
      if (z.Config?.PrivateZone || !z.Id || !z.Name) continue;
      zones.push({ id: z.Id.replace(/^\/hostedzone\//, ''), name: bare(z.Name) });
    }
  }
  const out: Record<string, HostedZoneMatch | null> = {};
  for (const domain of domains) {
    const d = bare(domain);
    const covering = zones.filter((z) => d === z.name || d.endsWith(`.${z.name}`)).sort((a, b) => b.name.length - a.name.length);
    out[domain] = covering[0] ?? null;
  }
  return out;
}
