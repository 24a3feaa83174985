import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../shared/domain/deploy';
import { printOutcome } from './up-output';

const record = (urls: string[], outcome: DeploymentRecord['outcome'] = 'succeeded'): DeploymentRecord => ({
  id: '20261202T190000Z-abc',
  project: 'jobs',
  mode: 'affordable',
  account: '000000000000',
  region: 'us-east-1',
  identityArn: 'arn:aws:iam::000000000000:user/a',
  startedAt: '2026-12-02T19:00:00Z',
  finishedAt: '2026-12-02T19:04:00Z',
  outcome,
  phases: [],
  digests: {},
  urls,
});

function printed(r: DeploymentRecord): string[] {
  const out: string[] = [];
  printOutcome({ json: false, io: { out: (l: string) => out.push(l), err: (l: string) => out.push(l) } as never }, r);
  return out;
}

describe('berth up’s outcome', () => {
  it('says there is no public address when the stack has no URL outputs', () => {
    expect(printed(record([]))).toEqual([
      'Deployed jobs (deployment 20261202T190000Z-abc).',
      '  No public address: no service publishes a port (compose `ports`), so nothing answers from the internet. The services still reach each other by name.',
    ]);
    expect(printed(record([], 'nothing-to-change'))[1]).toMatch(/^ {2}No public address/);
  });

  it('lists the URLs when there are some', () => {
    expect(printed(record(['http://berth-jobs-1.elb.amazonaws.com']))).toEqual(['Deployed jobs (deployment 20261202T190000Z-abc).', '  http://berth-jobs-1.elb.amazonaws.com']);
  });
});
