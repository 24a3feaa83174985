/**
 * A fake `electron` module for contract tests: records what the shell registers (IPC handlers,
 * windows and their web preferences, session guards, menus) so tests can drive it.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

export class FakeWebContents {
  listeners = new Map<string, Listener[]>();
  windowOpenHandler?: (details: { url: string }) => { action: string };
  sent: { channel: string; payload: unknown }[] = [];
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  /** Simulates a navigation attempt; returns true when it was prevented. */
  navigate(url: string): boolean {
    let prevented = false;
    for (const l of this.listeners.get('will-navigate') ?? []) l({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export function createFakeElectron() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const appListeners = new Map<string, Listener[]>();
  const windows: { options: Record<string, unknown>; webContents: FakeWebContents; loaded?: string }[] = [];
  const opened: string[] = [];
  const sessionState: { permissionHandler?: Listener; checkHandler?: Listener; headersListener?: Listener } = {};
  let whenReadyResolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => (whenReadyResolve = r));

  class BrowserWindow {
    webContents = new FakeWebContents();
    entry: (typeof windows)[number];
    constructor(options: Record<string, unknown>) {
      this.entry = { options, webContents: this.webContents };
      windows.push(this.entry);
    }
    once() {}
    on() {}
    maximize() {}
    isDestroyed() {
      return false;
    }
    isFocused() {
      return true;
    }
    isMinimized() {
      return false;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: 1280, height: 820 };
    }
    isMaximized() {
      return false;
    }
    async loadURL(url: string) {
      this.entry.loaded = url;
    }
  }

  const module = {
    app: {
      getVersion: () => '9.9.9',
      getPath: vi.fn(() => '/tmp/berth-fake-electron'),
      requestSingleInstanceLock: () => true,
      quit: vi.fn(),
      whenReady: () => ready,
      on: (event: string, listener: Listener) => {
        appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
      },
    },
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, listener);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    dialog: { showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })) },
    shell: { openExternal: vi.fn(async (url: string) => void opened.push(url)) },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) },
    Notification: Object.assign(vi.fn(), { isSupported: () => false }),
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (sessionState.permissionHandler = h),
        setPermissionCheckHandler: (h: Listener) => (sessionState.checkHandler = h),
        webRequest: { onHeadersReceived: (l: Listener) => (sessionState.headersListener = l) },
      },
    },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  };

  return { module, handlers, appListeners, windows, opened, sessionState, fireReady: () => whenReadyResolve() };
}
