/**
 * AWS's own CloudFormation linter, cfn-lint, on every template Berth generates: each Defang
 * sample that loads, in each deployment mode, and the bootstrap in both shapes. An independent
 * reader of AWS's resource schemas, so the generator is not checked only against Berth's preflight.
 * Rules ignored on purpose are listed with their reasons in `.cfnlintrc.yaml`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../electron/compose/load';
import { canonicalJson, planProject } from '../../electron/plan';
import { buildBootstrapTemplate } from '../../electron/plan/bootstrap';
import { DEPLOYMENT_MODES } from '../../shared/domain/plan';
import { materialiseSample, sampleNames, sampleRoot } from './corpus';

const CONFIG = resolve(__dirname, '../../.cfnlintrc.yaml');
/** cfn-lint reads templates one after another; two processes use both of CI's cores. */
const PROCESSES = 2;

interface Finding {
  Rule: { Id: string };
  Level: string;
  Message: string;
  Filename: string;
  Location: { Start: { LineNumber: number }; Path?: (string | number)[] };
}

const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const installed = version.status === 0;

let dir = '';
const templates: string[] = [];

beforeAll(async () => {
  if (!installed) return;
  dir = await mkdtemp(join(tmpdir(), 'berth-cfn-lint-'));
  const samples = await sampleRoot();
  try {
    for (const name of await sampleNames()) {
      const loaded = await loadProject(await materialiseSample(name, samples.root), { env: {} });
      if (!loaded.project || loaded.diagnostics.some((d) => d.severity === 'error')) continue;
      for (const mode of DEPLOYMENT_MODES) {
        const stack = planProject(loaded.project, { mode, region: 'us-east-1', preflight: false }).stacks[1]!;
        templates.push(await write(`${name}.${mode}.json`, stack.template));
      }
    }
  } finally {
    await samples.remove();
  }
  templates.push(await write('berth-bootstrap.json', buildBootstrapTemplate({}).template));
  templates.push(await write('berth-bootstrap.legacy-network.json', buildBootstrapTemplate({ legacyProjectNetwork: { nat: true } }).template));
  templates.push(await write('berth-bootstrap.docker-hub.json', buildBootstrapTemplate({ dockerHubCredentialArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/berth-docker-hub-AbC123' }).template));
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function write(file: string, template: unknown): Promise<string> {
  const path = join(dir, file);
  await writeFile(path, canonicalJson(template, 2));
  return path;
}

/** cfn-lint exits non-zero whenever it finds something; its JSON on stdout is the answer. */
async function lint(files: string[]): Promise<Finding[]> {
  try {
    const { stdout } = await promisify(execFile)('cfn-lint', ['--config-file', CONFIG, '--format', 'json', '--', ...files], { maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout || '[]') as Finding[];
  } catch (e) {
    const stdout = (e as { stdout?: string }).stdout;
    if (stdout?.trim().startsWith('[')) return JSON.parse(stdout) as Finding[];
    throw e;
  }
}

describe('cfn-lint', () => {
  it.skipIf(!installed && !process.env.CI)('finds nothing in any generated template (every sample, every mode, the bootstrap)', async () => {
    expect(installed, 'cfn-lint is not installed on this CI machine: pip install cfn-lint==1.51.0').toBe(true);
    expect(templates.length).toBeGreaterThan(200);
    const chunks = Array.from({ length: PROCESSES }, (_, i) => templates.filter((_, j) => j % PROCESSES === i));
    const findings = (await Promise.all(chunks.map(lint))).flat();
    const lines = findings.map((f) => `${f.Filename.slice(dir.length + 1)}:${f.Location.Start.LineNumber} ${(f.Location.Path ?? []).join('/')} ${f.Rule.Id} ${f.Message}`);
    expect(lines).toEqual([]);
  }, 600_000);

  if (!installed && !process.env.CI) {
    it('notes that cfn-lint is not installed here', () => {
      console.warn('cfn-lint is not installed: the generated templates were not linted (pip install cfn-lint==1.51.0; CI requires it).');
    });
  }
});

/** The version CI lints with, printed once so a changed linter is visible in the log. */
if (installed) console.info(`cfn-lint ${version.stdout.trim().replace(/^cfn-lint\s*/, '')}`);
