/**
 * `berth plan [DIR]`: what a deploy would create and what it would cost, without touching AWS.
 * `--out DIR` writes each stack's template as `<stack-name>.template.json` (and nothing else).
 * Exit 1 when the project has errors or a template fails preflight.
 */
import { certificateWords } from '../../../shared/domain/certificates';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEPLOYMENT_MODES, type DeploymentMode, type PlanPreview } from '../../../shared/domain/plan';
import { hostAnswerWords } from '../../../shared/domain/project';
import { loadProject } from '../../compose/load';
import { canonicalJson, planProject } from '../../plan';
import { UsageError, type Command, type CommandRun } from '../command';

const DEFAULT_MODE: DeploymentMode = 'affordable';
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

function usd(value: number): string {
  return `${value < 0 ? '-' : ''}$${Math.abs(value).toFixed(2)}`;
}

/** The preview as text a terminal reader can scan. */
export function formatPreview(preview: PlanPreview): string[] {
  const lines: string[] = [];
  lines.push(`Plan for ${preview.project}: ${preview.mode} mode in ${preview.region}`);
  lines.push('');
  lines.push('Stacks:');
  for (const s of preview.stacks) {
    lines.push(`  ${s.stackName}  ${s.resourceCount} resources, ${s.bytes} bytes${s.needsUpload ? ' (sent through the bucket: over 51,200 bytes)' : ''}`);
  }
  const groups = new Map<string, typeof preview.resources>();
  for (const r of preview.resources) {
    const key = r.stack === 'bootstrap' ? 'shared (bootstrap, once per account and region)' : r.group === 'shared' ? `shared by ${preview.project}` : `service ${r.group}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [group, rows] of groups) {
    lines.push('');
    lines.push(`Resources, ${group}:`);
    for (const r of rows) lines.push(`  ${r.logicalId} (${r.type}): ${r.description}. ${r.why}.`);
  }
  if (preview.urls.length > 0) {
    lines.push('', 'Public URLs:');
    for (const url of preview.urls) lines.push(`  ${url}`);
  }
  if (preview.certificates.length > 0) {
    lines.push('', 'TLS certificates (ACM, validated by DNS):');
    for (const c of preview.certificates) lines.push(`  ${certificateWords(c)}`);
  }
  const needs = preview.config.filter((c) => c.source !== 'literal');
  if (needs.length > 0) {
    lines.push('', 'Config (set with `berth config set`; values are never written into templates):');
    for (const c of needs) lines.push(`  ${c.service} ${c.variable} ← ${c.source === 'derived' ? `derived from ${c.names.join(', ')}` : c.names.join(', ')}`);
  }
  if (preview.hostReferences.length > 0) {
    lines.push('', `How names resolve (values are deployed as written; a bare name is looked up in ${preview.project}.internal):`);
    for (const r of preview.hostReferences) {
      const where = r.where === 'environment' ? r.variable : r.where;
      const dns = r.answer.kind === 'service' || r.answer.kind === 'store' ? ` at ${r.answer.dnsName}` : '';
      const answer = r.answer.kind === 'nothing' ? `NOTHING — ${r.answer.why}` : `${hostAnswerWords(r.answer)}${dns}`;
      lines.push(`  ${r.service} ${where}: ${r.host} → ${answer}`);
    }
  }
  lines.push('', `Estimated monthly cost (list prices of ${preview.costs[0]?.priceRegion ?? preview.region}, ${preview.costs[0]?.priceDate ?? ''}; an estimate, not a bill):`);
  for (const c of preview.costs) lines.push(`  ${c.mode === preview.mode ? '*' : ' '} ${c.mode.padEnd(18)} ${usd(c.monthlyUsd)}`);
  const chosen = preview.costs.find((c) => c.mode === preview.mode);
  if (chosen) {
    lines.push('', `Cost of ${chosen.mode}, itemised:`);
    for (const line of chosen.lines) lines.push(`  ${usd(line.monthlyUsd).padStart(10)}  ${line.item}: ${line.quantity}`);
    for (const note of chosen.notes) lines.push(`  Note: ${note}`);
  }
  lines.push('');
  if (preview.preflight.length === 0) lines.push('Preflight: every template passes the CloudFormation resource specification.');
  else {
    lines.push(`Preflight: ${preview.preflight.length} problem${preview.preflight.length === 1 ? '' : 's'}:`);
    for (const p of preview.preflight) lines.push(`  ${p.stack} ${p.logicalId} ${p.path}: ${p.message}`);
  }
  return lines;
}

export const planCommand: Command = {
  name: 'plan',
  usage: 'berth plan [DIR] [--mode affordable|balanced|high_availability] [--region R] [--json] [--out DIR]',
  summary: 'Show what a deploy would create and what it would cost (no AWS calls)',
  options: {
    mode: { type: 'string', description: `Deployment mode: ${DEPLOYMENT_MODES.join(', ')} (default ${DEFAULT_MODE})` },
    region: { type: 'string', description: 'AWS region to plan for (default $AWS_REGION, $AWS_DEFAULT_REGION, then us-east-1)' },
    out: { type: 'string', description: 'Write each stack’s template to DIR as <stack-name>.template.json' },
  },
  async run(run: CommandRun) {
    if (run.positionals.length > 1) throw new UsageError('plan takes at most one project folder');
    const mode = (run.options.mode as string | undefined) ?? DEFAULT_MODE;
    if (!(DEPLOYMENT_MODES as readonly string[]).includes(mode)) throw new UsageError(`--mode must be one of ${DEPLOYMENT_MODES.join(', ')}`);
    const region = (run.options.region as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    if (!REGION.test(region)) throw new UsageError(`--region "${region}" is not an AWS region name (e.g. us-east-1)`);
    const dir = resolve(run.positionals[0] ?? process.cwd());

    const loaded = await loadProject(dir);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    for (const d of loaded.diagnostics) {
      const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column}` : ''}: ` : '';
      run.io.err(`${d.severity}: ${where}${d.message}${d.fix ? ` (${d.fix})` : ''}`);
    }
    if (!loaded.project || errors.length > 0) {
      if (run.json) run.io.out(JSON.stringify({ error: { code: 'COMPOSE_INVALID', message: 'The compose project has errors', details: { diagnostics: loaded.diagnostics } } }));
      run.io.err(`berth: the compose project has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing planned.`);
      return 1;
    }
    const preview = planProject(loaded.project, { mode: mode as DeploymentMode, region });
    if (typeof run.options.out === 'string') {
      const out = resolve(run.options.out);
      await mkdir(out, { recursive: true });
      for (const stack of preview.stacks) await writeFile(join(out, `${stack.stackName}.template.json`), `${canonicalJson(stack.template, 2)}\n`);
    }
    if (run.json) run.io.out(JSON.stringify(preview));
    else for (const line of formatPreview(preview)) run.io.out(line);
    if (preview.preflight.length > 0) {
      run.io.err(`berth: ${preview.preflight.length} preflight problem${preview.preflight.length === 1 ? '' : 's'}; CloudFormation would refuse these templates.`);
      return 1;
    }
    return 0;
  },
};
