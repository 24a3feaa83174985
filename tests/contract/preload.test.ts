/** The preload exposes exactly the contract's methods plus `on`, and nothing generic. */
import { describe, expect, it, vi } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES } from '../../shared/contract';
import { createFakeElectron } from './fake-electron';

const fake = createFakeElectron();
vi.mock('electron', () => fake.module);

describe('preload bridge', () => {
  it('exposes one function per contract method and `on`, frozen, under window.berth', async () => {
    await import('../../electron/app/preload');
    const expose = fake.module.contextBridge.exposeInMainWorld;
    expect(expose).toHaveBeenCalledTimes(1);
    const [key, bridge] = expose.mock.calls[0] as unknown as [string, Record<string, unknown>];
    expect(key).toBe('berth');
    expect(Object.keys(bridge).sort()).toEqual([...METHOD_NAMES, 'on'].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    for (const forbidden of ['invoke', 'send', 'sendSync', 'ipcRenderer', 'require']) expect(bridge).not.toHaveProperty(forbidden);
  });

  it('forwards a method call to its own channel only', async () => {
    const { buildBridge } = await import('../../electron/app/preload');
    const renderer = { invoke: vi.fn(async () => ({ ok: true, value: 1 })), on: vi.fn(), removeListener: vi.fn() };
    const bridge = buildBridge(renderer as never) as Record<string, (a?: unknown) => Promise<unknown>>;
    await bridge['project:recent']!();
    expect(renderer.invoke).toHaveBeenCalledWith('project:recent', {});
    await bridge['project:open']!({ dir: '/x' });
    expect(renderer.invoke).toHaveBeenLastCalledWith('project:open', { dir: '/x' });
  });

  it('subscribes only to contract events and returns a working unsubscribe', async () => {
    const { buildBridge } = await import('../../electron/app/preload');
    const renderer = { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() };
    const bridge = buildBridge(renderer as never) as { on: (e: string, cb: (p: unknown) => void) => () => void };
    const seen: unknown[] = [];
    const off = bridge.on(EVENT_NAMES[0]!, (p) => seen.push(p));
    const listener = renderer.on.mock.calls[0]![1] as (e: unknown, p: unknown) => void;
    // An IpcRendererEvent as Electron 45 passes it: `sender` and `ports` (there is no `senderId` any more).
    listener({ sender: renderer, ports: [] }, { hello: 1 });
    expect(seen).toEqual([{ hello: 1 }]);
    off();
    expect(renderer.removeListener).toHaveBeenCalledWith(EVENT_NAMES[0], listener);
    expect(() => bridge.on('ipc:anything', () => undefined)).toThrow(/Unknown event/);
  });
});
