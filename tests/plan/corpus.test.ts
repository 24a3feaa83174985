/**
 * Every Defang sample that loads without errors plans in all three modes, and its templates pass
 * preflight against the CloudFormation resource specification. Five representative samples are
 * kept as golden templates (reviewed by hand once; a change shows up as a diff to review).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../electron/compose/load';
import { canonicalJson, planProject } from '../../electron/plan';
import { buildBootstrapTemplate } from '../../electron/plan/bootstrap';
import { DEPLOYMENT_MODES } from '../../shared/domain/plan';
import type { ProjectModel } from '../../shared/domain/project';
import { materialiseSample, sampleNames, sampleRoot } from './corpus';

/** Web + Postgres + Redis + workers; arm64 managed Redis; one plain web app; pub/sub on Postgres; a large GPU-less LLM server. */
const GOLDEN = ['django-celery', 'nounly', 'nextjs', 'fastapi-postgres-pubsub', 'ollama'];

let root: { root: string; remove: () => Promise<void> };
const projects = new Map<string, ProjectModel>();
const skipped: string[] = [];

beforeAll(async () => {
  root = await sampleRoot();
  for (const name of await sampleNames()) {
    const loaded = await loadProject(await materialiseSample(name, root.root), { env: {} });
    if (loaded.project && !loaded.diagnostics.some((d) => d.severity === 'error')) projects.set(name, loaded.project);
    else skipped.push(name);
  }
}, 120_000);
afterAll(async () => root?.remove());

describe('Defang samples', () => {
  it('load (every one whose compose.yaml the corpus test records without errors) and pass preflight in every mode', () => {
    const recorded = JSON.parse(readFileSync(resolve(__dirname, '../compose/corpus-expected.json'), 'utf8')) as Record<string, string[]>;
    const valid = Object.entries(recorded)
      .filter(([id, lines]) => id.endsWith('/compose.yaml') && !lines.some((l) => l.startsWith('error ')))
      .map(([id]) => id.split('/')[0]);
    expect([...projects.keys()].sort()).toEqual(valid.sort());
    const failures: string[] = [];
    for (const [name, project] of projects) {
      for (const mode of DEPLOYMENT_MODES) {
        const preview = planProject(project, { mode, region: 'us-east-1' });
        expect(preview.stacks.map((s) => s.stackName)).toEqual(['berth-bootstrap', `berth-${name}`]);
        for (const p of preview.preflight) failures.push(`${name} ${mode} ${p.stack} ${p.logicalId} ${p.path}: ${p.message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('has the five golden samples among the loaded ones', () => {
    for (const name of GOLDEN) expect(projects.has(name), name).toBe(true);
  });

  for (const name of GOLDEN) {
    it(`matches the golden template of ${name}`, async () => {
      const project = projects.get(name)!;
      const modes = name === 'django-celery' ? DEPLOYMENT_MODES : (['balanced'] as const);
      for (const mode of modes) {
        const stack = planProject(project, { mode, region: 'us-east-1', preflight: false }).stacks[1]!;
        await expect(`${canonicalJson(stack.template, 2)}\n`).toMatchFileSnapshot(`./__golden__/${name}.${mode}.template.json`);
      }
    });
  }

  it('matches the golden bootstrap templates', async () => {
    await expect(`${canonicalJson(buildBootstrapTemplate({}).template, 2)}\n`).toMatchFileSnapshot('./__golden__/berth-bootstrap.template.json');
    await expect(`${canonicalJson(buildBootstrapTemplate({ legacyProjectNetwork: { nat: true } }).template, 2)}\n`).toMatchFileSnapshot(
      './__golden__/berth-bootstrap.legacy-network.template.json',
    );
  });
});
