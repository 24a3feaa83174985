/** `berth ls`: everything Berth owns in the region (or every region with --all-regions). */
import type { Inventory } from '../../../shared/domain/inventory';
import { localProjectCost } from '../../inventory/cost';
import { listInventory } from '../../inventory/regions';
import type { Command } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, withAwsErrors } from './aws-options';

/** The inventory as text a terminal reader can scan. */
export function formatInventory(inv: Inventory): string[] {
  const lines = [`Account ${inv.account}, ${inv.region}:`];
  if (inv.stacks.length === 0 && inv.outside.length === 0 && inv.leftovers.length === 0 && inv.snapshots.length === 0) {
    lines.push('  Nothing of Berth’s here.');
    return lines;
  }
  for (const s of inv.stacks) {
    const cost = s.monthlyUsd !== undefined ? `, about $${s.monthlyUsd.toFixed(2)}/month` : '';
    lines.push(`  ${s.stackName}  ${s.status}  updated ${s.lastUpdated}  ${s.resources.length} resources${cost}`);
    if (s.error) lines.push(`    ${s.error}`);
    for (const r of s.resources) lines.push(`    ${r.logicalId} (${r.type}) ${r.status}  ${r.physicalId}`);
  }
  if (inv.outside.length > 0) {
    lines.push('  Outside stacks:');
    for (const r of inv.outside) lines.push(`    ${r.type}  ${r.arn}${r.project ? `  (${r.project})` : ''}`);
  }
  if (inv.leftovers.length > 0) {
    lines.push('  Leftovers (their project stack is gone; `berth down` the project again, or delete them):');
    for (const r of inv.leftovers) lines.push(`    ${r.type}  ${r.arn}  (${r.project})`);
  }
  if (inv.snapshots.length > 0) {
    lines.push('  Snapshots kept (after a teardown or a move into a project network):');
    for (const s of inv.snapshots) lines.push(`    ${s.kind === 'cache' ? 'cache' : 'database'}  ${s.id}${s.project ? `  (${s.project})` : ''}`);
  }
  return lines;
}

export const lsCommand: Command = withAwsErrors({
  name: 'ls',
  usage: 'berth ls [--all-regions] [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'List everything Berth owns in the account: stacks, resources, leftovers, snapshots',
  options: { ...CONNECTION_OPTIONS, 'all-regions': { type: 'boolean', description: 'Scan every region Berth deploys to' } },
  async run(run) {
    const { conn } = await connectFromOptions(run);
    const ctx = run.context();
    const inventories = await listInventory(conn, { allRegions: run.options['all-regions'] === true, version: ctx.version, cost: localProjectCost(ctx.dataDir) });
    if (run.json) run.io.out(JSON.stringify(inventories));
    else for (const inv of inventories) for (const line of formatInventory(inv)) run.io.out(line);
    return 0;
  },
});
