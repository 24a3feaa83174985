/**
 * Runs the compose loader over every compose file of the Defang samples corpus, and renders the
 * outcome as docs/compatibility.md. Shared by the corpus test and scripts/compat-report.ts, so the
 * document and the test come from the same run.
 */
import { readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { loadProject } from '../../electron/compose/load';
import { COMPOSE_KEY_SUPPORT } from '../../electron/compose/support';
import type { Diagnostic } from '../../shared/domain/diagnostics';

/** The corpus folder (read-only): ../shared/corpus/defang-samples from the repository. */
export const CORPUS_DIR = process.env.BERTH_CORPUS_DIR ?? resolve(process.cwd(), '..', 'shared', 'corpus', 'defang-samples');

/** Codes of problems that only exist because the corpus holds no app sources. */
export const MISSING_SOURCE_CODES = ['build-context-missing', 'dockerfile-missing', 'env-file-missing'] as const;

export interface CorpusFile {
  /** `sample/file`, e.g. `crewai/compose.local.yaml`. */
  id: string;
  sample: string;
  file: string;
}

export interface SampleOutcome extends CorpusFile {
  /** Diagnostics of the file as stored in the corpus, one line each. */
  asIs: string[];
  /** Diagnostics once the missing sources are stood in for, one line each. */
  withSources: string[];
  /** The same, in full (messages without temporary paths), for the document. */
  diagnostics: Diagnostic[];
  /** Files and folders created as stand-ins (relative to the sample). */
  created: string[];
  project: { name: string; services: string[]; notDeployed: string[] } | null;
}

/** Every compose file in the corpus: `compose.yaml` loads by default, the others with `-f`. */
export function corpusFiles(dir = CORPUS_DIR): CorpusFile[] {
  const out: CorpusFile[] = [];
  const samples = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const sample of samples) {
    const files = readdirSync(join(dir, sample))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    for (const file of files) out.push({ id: `${sample}/${file}`, sample, file });
  }
  return out;
}

/** One diagnostic as a stable line: `severity code file:line:column path` (file relative to the sample). */
export function diagnosticLine(d: Diagnostic, sampleDir: string): string {
  const file = d.file ? relative(sampleDir, d.file).split(sep).join('/') : '-';
  return `${d.severity} ${d.code} ${file}:${d.line}:${d.column} ${d.path}`;
}

async function load(sampleDir: string, file: string) {
  return loadProject(sampleDir, { files: file === 'compose.yaml' ? undefined : [file], env: {}, profiles: [] });
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}

/** Creates empty stand-ins for missing build contexts, Dockerfiles and env files; returns what it created. */
async function standIns(sampleDir: string, file: string): Promise<string[]> {
  const created: string[] = [];
  for (let round = 0; round < 4; round++) {
    const r = await load(sampleDir, file);
    const missing = r.diagnostics.filter((d) => (MISSING_SOURCE_CODES as readonly string[]).includes(d.code) && d.subject && inside(sampleDir, d.subject));
    if (missing.length === 0) break;
    for (const d of missing) {
      const target = d.subject as string;
      const exists = await stat(target).then(
        () => true,
        () => false,
      );
      if (exists) continue;
      if (d.code === 'build-context-missing') await mkdir(target, { recursive: true });
      else {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, d.code === 'dockerfile-missing' ? 'FROM scratch\n' : '');
      }
      created.push(relative(sampleDir, target).split(sep).join('/'));
    }
  }
  return created.sort();
}

function clean(d: Diagnostic, sampleDir: string): Diagnostic {
  const strip = (s: string) => s.split(`${sampleDir}/`).join('').split(sampleDir).join('.');
  const out: Diagnostic = { ...d, message: strip(d.message), file: d.file ? relative(sampleDir, d.file).split(sep).join('/') : '' };
  if (d.fix !== undefined) out.fix = strip(d.fix);
  if (d.subject !== undefined) out.subject = strip(d.subject);
  return out;
}

/** Loads every corpus file twice (as stored, then with stand-ins for the missing sources). */
export async function runCorpus(dir = CORPUS_DIR): Promise<SampleOutcome[]> {
  const scratch = await mkdtemp(join(tmpdir(), 'berth-corpus-'));
  try {
    const out: SampleOutcome[] = [];
    for (const f of corpusFiles(dir)) {
      const original = join(dir, f.sample);
      const asIs = (await load(original, f.file)).diagnostics.map((d) => diagnosticLine(d, original));
      // A copy with the sample's own folder name, so derived project names stay the same.
      const copy = join(scratch, f.id.replace(/[/.]/g, '_'), f.sample);
      await cp(original, copy, { recursive: true });
      const created = await standIns(copy, f.file);
      const r = await load(copy, f.file);
      out.push({
        ...f,
        asIs,
        withSources: r.diagnostics.map((d) => diagnosticLine(d, copy)),
        diagnostics: r.diagnostics.map((d) => clean(d, copy)),
        created,
        project: r.project
          ? { name: r.project.name, services: r.project.services.map((s) => s.name), notDeployed: (r.project.notDeployed ?? []).map((n) => n.service) }
          : null,
      });
    }
    return out;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

type Outcome = 'clean' | 'warnings' | 'errors';

function outcomeOf(o: SampleOutcome): Outcome {
  if (o.diagnostics.some((d) => d.severity === 'error')) return 'errors';
  if (o.diagnostics.some((d) => d.severity === 'warning')) return 'warnings';
  return 'clean';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Renders docs/compatibility.md from a corpus run and the key support table. */
export function renderCompatibility(outcomes: SampleOutcome[]): string {
  const samples = [...new Set(outcomes.map((o) => o.sample))];
  const count = (k: Outcome) => outcomes.filter((o) => outcomeOf(o) === k).length;
  const missingAsIs = outcomes.reduce((n, o) => n + o.asIs.filter((l) => MISSING_SOURCE_CODES.some((c) => l.startsWith(`error ${c} `))).length, 0);
  const lines: string[] = [
    '# Compatibility with the Defang samples',
    '',
    '<!-- Generated by `node scripts/compat-report.mjs` from the same run as tests/compose/corpus.test.ts. Do not edit by hand. -->',
    '',
    `Berth loads every compose file of the ${samples.length} Defang samples (${outcomes.length} files) in \`shared/corpus/defang-samples\`:`,
    '`compose.yaml` as Berth opens the folder, the other files (`compose.dev.yaml`, `compose.local.yaml`, ...) as if chosen with `-f`.',
    'Each is loaded with an empty environment and no active profile.',
    '',
    'The corpus holds only the compose files, not the apps’ sources. As stored, the files give',
    `${missingAsIs} errors about missing build contexts, Dockerfiles and env files (a build context that does not exist`,
    'blocks a deploy). Below, each file is loaded again with empty stand-ins for those files — what a user who has the',
    'whole sample sees. Errors block a deploy; warnings do not.',
    '',
    '## Totals',
    '',
    '| Outcome | Files |',
    '|---|---|',
    `| clean | ${count('clean')} |`,
    `| warnings only | ${count('warnings')} |`,
    `| errors | ${count('errors')} |`,
    `| **total** | **${outcomes.length}** |`,
    '',
    '## Per file',
    '',
    '| File | Outcome | Errors | Warnings | Services deployed | Left out |',
    '|---|---|---|---|---|---|',
  ];
  for (const o of outcomes) {
    const errors = o.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = o.diagnostics.filter((d) => d.severity === 'warning').length;
    lines.push(
      `| [\`${o.id}\`](#${anchor(o.id)}) | ${outcomeOf(o)} | ${errors} | ${warnings} | ${o.project?.services.join(', ') || '—'} | ${o.project?.notDeployed.join(', ') || '—'} |`,
    );
  }
  lines.push('', '## Why', '');
  for (const o of outcomes) {
    lines.push(`### ${o.id}`, '');
    const status = outcomeOf(o);
    lines.push(status === 'clean' ? 'Clean: deploys as written.' : status === 'warnings' ? 'Deploys, with warnings:' : 'Blocked by errors:');
    if (o.created.length > 0) lines.push('', `Stand-ins created for the missing sources: ${o.created.map((c) => `\`${c}\``).join(', ')}.`);
    if (o.diagnostics.length > 0) lines.push('');
    for (const d of o.diagnostics) {
      lines.push(`- **${d.severity}** \`${d.code}\` ${d.file ? `${d.file}:${d.line}:${d.column}` : ''}${d.path ? ` \`${d.path}\`` : ''} — ${d.message}${d.fix ? ` *Fix:* ${d.fix}` : ''}`);
    }
    lines.push('');
  }
  const codes = new Map<string, number>();
  for (const o of outcomes) for (const d of o.diagnostics) codes.set(`${d.severity} ${d.code}`, (codes.get(`${d.severity} ${d.code}`) ?? 0) + 1);
  lines.push('## Diagnostics seen in the samples', '', '| Severity | Code | Count |', '|---|---|---|');
  for (const [k, n] of [...codes].sort()) {
    const [severity, code] = k.split(' ');
    lines.push(`| ${severity} | \`${code}\` | ${n} |`);
  }
  lines.push(
    '',
    '## How Berth treats each compose key',
    '',
    'The same table the loader applies (`COMPOSE_KEY_SUPPORT` in `shared/domain/compose-support.ts`) and the app shows.',
    '**mapped**: deployed as described; **warned**: accepted, not deployed as it runs locally (a warning);',
    '**rejected**: blocks a deploy (an error). `*` is any name, `[]` any list item.',
    '',
    '| Key | Status | What it becomes, or why | Fix | Only when |',
    '|---|---|---|---|---|',
  );
  for (const k of COMPOSE_KEY_SUPPORT) {
    lines.push(`| \`${k.key}\` | ${k.status} | ${cell(k.note)} | ${k.fix ? cell(k.fix) : ''} | ${k.when ?? ''} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}
