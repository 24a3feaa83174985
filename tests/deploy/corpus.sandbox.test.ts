/**
 * Every Defang sample, whole as upstream has it, through the CLI into the sandbox as a user would:
 * `berth validate`, `berth config generate` for each missing value, `berth up --yes` (packaging
 * and building its real contexts), then `berth down --yes`. Each sample's outcome — deployed, or
 * the exact reason not — must match corpus-deploy-expected.json, which docs/compatibility.md shows.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import type { DeploymentRecord } from '../../shared/domain/deploy';
import type { SampleDeploy } from '../compose/corpus-run';
import { corpusDir } from '../corpus/locate';
import { runBerth } from './helpers';

const EXPECTED_FILE = join(__dirname, 'corpus-deploy-expected.json');
const CORPUS_DEPLOYS = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, SampleDeploy>;
// `BERTH_UPDATE_EXPECTED=1 npx vitest run tests/deploy/corpus` rewrites the file (review its diff).
const UPDATE = process.env.BERTH_UPDATE_EXPECTED === '1';
const actual: Record<string, SampleDeploy> = {};

let sandbox: Sandbox;
let dataDir: string;
let work: string;
let flags: string[];
const seconds: Record<string, number> = {};

function berth(args: string[], stdin = '') {
  return runBerth(args, dataDir, stdin);
}

/** What a user who opens the sample and runs the CLI on it gets. */
async function deploySample(sample: string): Promise<SampleDeploy> {
  // A folder of the sample's own name, so a project without `name:` is named as upstream.
  const dir = join(work, sample);
  await cp(join(corpusDir(), sample), dir, { recursive: true });
  const validate = await berth(['validate', dir]);
  if (validate.code !== 0) {
    const errors = validate.out.split('\n').filter((l) => / error /.test(l));
    return { outcome: 'not deployed', reason: errors.map((l) => l.split(`${dir}/`).join('')).join(' ') };
  }
  const listing = await berth(['config', 'ls', '--project', dir, '--json', ...flags]);
  expect(listing.code, listing.err).toBe(0);
  for (const name of (JSON.parse(listing.out) as { missing: string[] }).missing) {
    const generated = await berth(['config', 'generate', name, '--project', dir, ...flags]);
    if (generated.code !== 0 && /names the Amazon Bedrock model/.test(generated.err)) {
      // A model name cannot be random: the user sets one of the models the refusal suggests.
      const set = await berth(['config', 'set', name, '--project', dir, ...flags], 'us.amazon.nova-2-lite-v1:0');
      expect(set.code, set.err).toBe(0);
      continue;
    }
    expect(generated.code, generated.err).toBe(0);
  }
  const up = await berth(['up', dir, '--yes', '--json', ...flags]);
  // --json prints the outcome as the last line of stdout, the record with its failure if any.
  const { record } = JSON.parse(up.out.split('\n').at(-1) ?? '{}') as { record?: DeploymentRecord };
  if (up.code !== 0 || !record) return { outcome: 'not deployed', reason: record?.failure?.message ?? (up.err || up.out) };
  const down = await berth(['down', dir, '--yes', '--delete-config', '--delete-uploads', ...flags]);
  expect(down.code, down.err).toBe(0);
  return { outcome: 'deployed', built: Object.keys(record.digests).sort(), urls: record.urls.length };
}

beforeAll(async () => {
  // An account whose G-instance quota was raised (new accounts start at 0, which gpu-quota tests cover).
  sandbox = await startSandbox({ quotas: { ec2: { 'L-DB2E81BA': 8 } } });
  dataDir = await mkdtemp(join(tmpdir(), 'berth-corpus-deploy-data-'));
  work = await mkdtemp(join(tmpdir(), 'berth-corpus-deploy-'));
  flags = ['--endpoint', sandbox.endpoint, '--sandbox', '--region', 'us-east-1'];
});
afterAll(async () => {
  if (UPDATE) writeFileSync(EXPECTED_FILE, `${JSON.stringify(Object.fromEntries(Object.entries(actual).sort(([a], [b]) => a.localeCompare(b))), null, 2)}\n`);
  const slowest = Object.entries(seconds).sort((a, b) => b[1] - a[1]);
  const total = slowest.reduce((n, [, s]) => n + s, 0);
  if (slowest.length > 0) console.log(`corpus deploys: ${slowest.length} samples in ${total.toFixed(0)} s; slowest ${slowest.slice(0, 3).map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(', ')}`);
  await sandbox?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('every Defang sample through berth up and berth down in the sandbox', () => {
  const samples = readdirSync(corpusDir(), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

  it('has a recorded outcome for every sample and no other', () => {
    if (UPDATE) return;
    expect(Object.keys(CORPUS_DEPLOYS).sort()).toEqual(samples);
  });

  it.each(samples)('%s', async (sample) => {
    const started = performance.now();
    const got = await deploySample(sample);
    seconds[sample] = (performance.now() - started) / 1000;
    actual[sample] = got;
    if (!UPDATE) expect(got).toEqual(CORPUS_DEPLOYS[sample]);
  }, 180_000);
});
