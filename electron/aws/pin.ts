/**
 * Connection pinning: a project remembers the account and region of its first deploy, and a
 * later deploy elsewhere is refused (with both shown) until the user confirms a move.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { CallerIdentity, ConnectionPin } from '../../shared/domain/connection';
import { raise } from '../../shared/result';
import type { AppContext } from '../api/context';
import { readJsonFile, writeJsonFile } from '../util/json-file';

const pinSchema = z.object({ account: z.string(), region: z.string(), pinnedAt: z.string() });
const pinsSchema = z.record(z.string(), pinSchema);

type DataDirOnly = Pick<AppContext, 'dataDir'>;

function pinsFile(ctx: DataDirOnly): string {
  return join(ctx.dataDir, 'pins.json');
}

// Writes to the pins file are chained so two projects pinned at once do not lose one another.
const writes = new Map<string, Promise<unknown>>();
function serialized<T>(file: string, work: () => Promise<T>): Promise<T> {
  const next = (writes.get(file) ?? Promise.resolve()).then(work, work);
  writes.set(file, next.catch(() => undefined));
  return next;
}

/** The pin of the project in `dir`, or null before its first deploy. */
export async function readPin(ctx: DataDirOnly, dir: string): Promise<ConnectionPin | null> {
  const pins = await readJsonFile(pinsFile(ctx), pinsSchema, {});
  return pins[resolve(dir)] ?? null;
}

/**
 * Checks the connection against the project's pin. Returns the pin (null when the project has
 * none yet); raises CONNECTION_MISMATCH naming both accounts and regions when they differ.
 */
export async function checkPin(ctx: DataDirOnly, dir: string, identity: Pick<CallerIdentity, 'account'>, region: string): Promise<ConnectionPin | null> {
  const pin = await readPin(ctx, dir);
  if (pin && (pin.account !== identity.account || pin.region !== region)) {
    raise(
      'CONNECTION_MISMATCH',
      `This project was deployed to account ${pin.account} in ${pin.region}, but Berth is connected to account ${identity.account} in ${region}. ` +
        'Connect to the original account and region, or confirm moving the project (it will be deployed again from scratch there; the old deployment stays until you tear it down).',
      { pinned: { account: pin.account, region: pin.region }, current: { account: identity.account, region } },
    );
  }
  return pin;
}

/** Pins the project to this account and region (first deploy, or a confirmed move). */
export async function pinProject(ctx: DataDirOnly, dir: string, identity: Pick<CallerIdentity, 'account'>, region: string, now: Date = new Date()): Promise<ConnectionPin> {
  const file = pinsFile(ctx);
  return serialized(file, async () => {
    const pins = await readJsonFile(file, pinsSchema, {});
    const key = resolve(dir);
    const existing = pins[key];
    if (existing && existing.account === identity.account && existing.region === region) return existing;
    const pin: ConnectionPin = { account: identity.account, region, pinnedAt: now.toISOString() };
    pins[key] = pin;
    await writeJsonFile(file, pins);
    return pin;
  });
}

/** Forgets a project's pin (after its stack is torn down, the next deploy may go anywhere). */
export async function unpinProject(ctx: DataDirOnly, dir: string): Promise<void> {
  const file = pinsFile(ctx);
  await serialized(file, async () => {
    const pins = await readJsonFile(file, pinsSchema, {});
    const key = resolve(dir);
    if (!(key in pins)) return;
    delete pins[key];
    await writeJsonFile(file, pins);
  });
}
