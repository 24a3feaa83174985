/**
 * The preload: exposes exactly the contract's methods (one function each, no generic invoke)
 * and `on(event, callback) → unsubscribe` for the contract's events. Bundled as one CommonJS
 * file, as sandboxed preloads require; it imports only the plain name lists.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, METHOD_NAMES } from '../../shared/names';

/** Builds the object the renderer sees as `window.berth`. */
export function buildBridge(renderer: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>): Record<string, unknown> {
  const bridge: Record<string, unknown> = {};
  for (const name of METHOD_NAMES) {
    bridge[name] = (args?: unknown) => renderer.invoke(name, args ?? {});
  }
  bridge.on = (event: string, callback: (payload: unknown) => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown event: ${event}`);
    if (typeof callback !== 'function') throw new Error('on() needs a callback');
    const listener = (_e: IpcRendererEvent, payload: unknown) => callback(payload);
    renderer.on(event, listener);
    return () => {
      renderer.removeListener(event, listener);
    };
  };
  return Object.freeze(bridge);
}

contextBridge.exposeInMainWorld('berth', buildBridge(ipcRenderer));
