/** The DNS record ACM asks for, as CloudFormation reports it on a certificate that waits for validation. */

export interface ValidationRecord {
  name: string;
  type: string;
  value: string;
}

/** The record in CloudFormation's "Content of DNS Record is: {Name: …,Type: CNAME,Value: …}" status reason. */
export function validationRecordOf(reason: string | undefined): ValidationRecord | undefined {
  const m = /Content of DNS Record is: \{Name: ([^,}]+),Type: ([A-Z]+),Value: ([^,}]+)\}/.exec(reason ?? '');
  return m ? { name: m[1]!.trim(), type: m[2]!, value: m[3]!.trim() } : undefined;
}

/** The domain a validation record is for: `_<token>.shop.example.net.` validates shop.example.net. */
export function recordDomain(record: ValidationRecord): string {
  return record.name.replace(/^[^.]+\./, '').replace(/\.$/, '');
}

/** What the Deploy screen and `berth up` say while a certificate waits for its record. */
export function waitingWords(domain: string, record: ValidationRecord): string {
  return `Waiting for the certificate of ${domain}: add the DNS record ${record.name} ${record.type} ${record.value} where ${domain}'s DNS is served. ACM checks it every few minutes and gives up after 72 hours.`;
}

/** How the preview says a domain's certificate will be validated. */
export function certificateWords(c: { domain: string; validation: 'automatic' | 'manual' | 'unknown'; zone?: { id: string; name: string } }): string {
  if (c.validation === 'automatic') return `${c.domain}: validated by CloudFormation through your hosted zone ${c.zone!.name} (${c.zone!.id}).`;
  if (c.validation === 'manual') {
    return `${c.domain}: this account has no public hosted zone for it. The deploy shows a CNAME record to add where ${c.domain}'s DNS is served, and waits for it (ACM gives up after 72 hours).`;
  }
  return `${c.domain}: connect to see whether this account's Route 53 can validate it; otherwise the deploy shows a CNAME record to add.`;
}
