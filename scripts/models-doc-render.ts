/**
 * The tables of docs/models.md, written from the tables Berth itself uses (the model names it
 * maps, the Bedrock models with their prices, the GPU instance types), between
 * `<!-- generated: NAME -->` and `<!-- end generated -->`. tests/docs/models-doc.test.ts fails when
 * the file is stale; `node scripts/models-doc.mjs` rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BEDROCK_MODELS, MODEL_ALIASES, MODEL_PRICE_DATE } from '../shared/domain/models';
import { GPU_INSTANCE_TYPES, GPU_PRICE_DATE } from '../electron/plan/gpu';

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const code = (s: string) => `\`${s}\``;

function aliases(): string {
  return table(['Written in compose', 'Amazon Bedrock model', 'Why'], MODEL_ALIASES.map((a) => [code(a.name), code(a.model), a.why]));
}

function models(): string {
  const intro = [
    `Prices are us-east-1 list prices of ${MODEL_PRICE_DATE}, per 1,000 tokens: an estimate. "Profile only" models`,
    'are called through the cross-region inference profile of the region\'s geography',
    '(`us.`, `eu.`, `apac.`); Berth invokes that profile id.',
  ].join('\n');
  const rows = BEDROCK_MODELS.map((m) => [code(m.id), m.name, m.provider, m.kind, m.geos.join(', '), m.profileOnly ? 'yes' : 'no', `${m.price.input} / ${m.kind === 'embedding' ? '—' : m.price.output}`]);
  return `${intro}\n\n${table(['Model id', 'Name', 'Provider', 'Kind', 'Geographies', 'Profile only', '$ per 1K tokens in / out'], rows)}`;
}

function gpus(): string {
  const intro = `On-demand prices in us-east-1 of ${GPU_PRICE_DATE}. Berth picks the cheapest type that holds one task: the GPUs, vCPUs and memory the service reserves.`;
  const rows = GPU_INSTANCE_TYPES.map((t) => [code(t.type), t.gpus, t.gpuModel, t.gpuMemoryGiB, t.vcpus, t.memoryGiB, t.hourlyUsd]);
  return `${intro}\n\n${table(['Instance type', 'GPUs', 'GPU', 'Memory per GPU (GiB)', 'vCPUs', 'Memory (GiB)', '$ per hour'], rows)}`;
}

export const GENERATED: Record<string, () => string> = { aliases, models, gpus };

/** The document with every generated section rewritten; refuses a document missing one. */
export function renderModelsDoc(doc: string): string {
  let out = doc;
  for (const [name, render] of Object.entries(GENERATED)) {
    const start = `<!-- generated: ${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf('<!-- end generated -->', from);
    if (from < 0 || to < 0) throw new Error(`docs/models.md has no "${start}" … "<!-- end generated -->" section.`);
    out = `${out.slice(0, from + start.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}

export function main(): void {
  // Run from the repository root (the bundle itself lives in node_modules/.cache).
  const file = join(process.cwd(), 'docs', 'models.md');
  writeFileSync(file, renderModelsDoc(readFileSync(file, 'utf8')));
  console.log(`wrote ${file}`);
}
