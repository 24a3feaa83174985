import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPin, pinProject, readPin, unpinProject } from './pin';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'berth-pin-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('connection pinning', () => {
  it('accepts anything before the first deploy, then only the pinned account and region', async () => {
    const ctx = { dataDir };
    expect(await checkPin(ctx, '/p/shop', { account: '111' }, 'us-east-1')).toBeNull();
    const pin = await pinProject(ctx, '/p/shop', { account: '111' }, 'us-east-1', new Date('2025-05-01T00:00:00Z'));
    expect(pin).toEqual({ account: '111', region: 'us-east-1', pinnedAt: '2025-05-01T00:00:00.000Z' });
    expect(await checkPin(ctx, '/p/shop/', { account: '111' }, 'us-east-1')).toEqual(pin);
    await expect(checkPin(ctx, '/p/shop', { account: '222' }, 'us-east-1')).rejects.toMatchObject({
      appError: {
        code: 'CONNECTION_MISMATCH',
        message: expect.stringMatching(/account 111 in us-east-1.*account 222 in us-east-1/),
        details: { pinned: { account: '111', region: 'us-east-1' }, current: { account: '222', region: 'us-east-1' } },
      },
    });
    await expect(checkPin(ctx, '/p/shop', { account: '111' }, 'eu-west-1')).rejects.toMatchObject({ appError: { code: 'CONNECTION_MISMATCH' } });
  });

  it('moves a pin after confirmation, keeps projects apart, and survives parallel pins', async () => {
    const ctx = { dataDir };
    await Promise.all(['a', 'b', 'c', 'd'].map((p) => pinProject(ctx, `/p/${p}`, { account: '111' }, 'us-east-1')));
    for (const p of ['a', 'b', 'c', 'd']) expect(await readPin(ctx, `/p/${p}`)).toMatchObject({ account: '111' });
    await pinProject(ctx, '/p/a', { account: '222' }, 'eu-west-1');
    expect(await checkPin(ctx, '/p/a', { account: '222' }, 'eu-west-1')).toMatchObject({ account: '222', region: 'eu-west-1' });
    expect(await readPin(ctx, '/p/b')).toMatchObject({ account: '111' });
    await unpinProject(ctx, '/p/a');
    expect(await readPin(ctx, '/p/a')).toBeNull();
  });
});
