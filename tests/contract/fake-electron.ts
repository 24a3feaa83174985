/**
 * A fake `electron` module for contract tests: records what the shell registers (IPC handlers,
 * windows and their web preferences, session guards, protocol schemes and handlers, menus) so
 * tests can drive it.
 *
 * It follows the installed Electron's API (45.x): events and callbacks carry the arguments the
 * real one passes (`will-navigate` hands over an event with `url`; permission handlers get a
 * details object), and the `Real*` types below tie each faked call to its signature in
 * electron.d.ts (the global `Electron` namespace), so `npm run typecheck` fails here when an
 * upgrade renames or changes one.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

/** The real signatures of what the fake implements; a renamed or removed API stops compiling. */
type RealIpcMain = Pick<Electron.IpcMain, 'handle' | 'removeHandler'>;
type RealSession = Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
type RealRequestHandler = NonNullable<Parameters<Electron.Session['setPermissionRequestHandler']>[0]>;
type RealCheckHandler = NonNullable<Parameters<Electron.Session['setPermissionCheckHandler']>[0]>;
type RealHeadersListener = Extract<Parameters<Electron.WebRequest['onHeadersReceived']>[0], (...args: never[]) => unknown>;
type RealWindowOpenHandler = Parameters<Electron.WebContents['setWindowOpenHandler']>[0];
type RealNavigationEvent = Electron.Event<Electron.WebContentsWillNavigateEventParams>;
type RealRedirectEvent = Electron.Event<Electron.WebContentsWillRedirectEventParams>;
type RealProtocol = Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle' | 'isProtocolHandled'>;
type RealProtocolHandler = Parameters<Electron.Protocol['handle']>[1];

/** Schemes Chromium serves itself; any other one needs a `protocol.handle` before a window can load it. */
const BUILT_IN_SCHEMES = new Set(['http:', 'https:', 'file:', 'data:', 'about:', 'blob:', 'devtools:', 'chrome:']);

/** Permissions Electron 45 can ask about (a sample across old and new names); Berth denies them all. */
export const SAMPLE_PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'display-capture', 'local-network-access', 'openExternal', 'unknown'] as const satisfies readonly Parameters<RealRequestHandler>[1][];

export class FakeWebContents {
  listeners = new Map<string, Listener[]>();
  windowOpenHandler?: RealWindowOpenHandler;
  sent: { channel: string; payload: unknown }[] = [];
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  setWindowOpenHandler(handler: RealWindowOpenHandler) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  /** Simulates a main-frame navigation attempt (`will-navigate`); returns true when it was prevented. */
  navigate(url: string): boolean {
    return this.emitNavigation('will-navigate', url);
  }
  /** Simulates a server redirect during navigation (`will-redirect`); returns true when it was prevented. */
  redirect(url: string): boolean {
    return this.emitNavigation('will-redirect', url);
  }
  /** Calls the window-open handler as Electron does, with the full HandlerDetails. */
  open(url: string): ReturnType<RealWindowOpenHandler> {
    if (!this.windowOpenHandler) throw new Error('no window open handler set');
    return this.windowOpenHandler({ url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'strict-origin-when-cross-origin' } });
  }
  private emitNavigation(name: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    // Electron passes the URL on the event; the positional arguments after it are deprecated.
    const event: RealNavigationEvent & RealRedirectEvent = {
      url,
      isSameDocument: false,
      isMainFrame: true,
      frame: null,
      initiator: null,
      preventDefault: () => (prevented = true),
      defaultPrevented: false,
    };
    for (const l of this.listeners.get(name) ?? []) l(event, url, false, true, 1, 1);
    return prevented;
  }
}

export interface FakeElectronOptions {
  /** What `app.getAppPath()` answers: the folder holding package.json and dist/ (app.asar when packaged). */
  appPath?: string;
}

export function createFakeElectron(options: FakeElectronOptions = {}) {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const appListeners = new Map<string, Listener[]>();
  const windows: { options: Record<string, unknown>; webContents: FakeWebContents; loaded?: string }[] = [];
  const opened: string[] = [];
  const sessionState: { permissionHandler?: RealRequestHandler | null; checkHandler?: RealCheckHandler | null; headersListener?: RealHeadersListener } = {};
  /** What the shell did with `protocol`: privileged schemes (and whether before ready), handlers by scheme. */
  const protocolState: { privileged?: { schemes: Electron.CustomScheme[]; beforeReady: boolean }; handlers: Map<string, RealProtocolHandler> } = {
    handlers: new Map(),
  };
  let isReady = false;
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
      // Chromium fails a URL whose scheme nobody handles (ERR_UNKNOWN_URL_SCHEME).
      const scheme = new URL(url).protocol;
      if (!BUILT_IN_SCHEMES.has(scheme) && !protocolState.handlers.has(scheme.slice(0, -1))) {
        throw new Error(`ERR_UNKNOWN_URL_SCHEME (-302) loading '${url}'`);
      }
      this.entry.loaded = url;
    }
  }

  const ipcMain = {
    handle: (channel: string, listener: (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown) => {
      // Electron throws on a second handler for one channel.
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener as (event: unknown, ...args: unknown[]) => Promise<unknown>);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  } satisfies RealIpcMain;

  // Electron: privileged schemes once and before ready; handlers after ready, one per scheme.
  const protocol = {
    registerSchemesAsPrivileged: (customSchemes: Electron.CustomScheme[]) => {
      if (isReady) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      if (protocolState.privileged) throw new Error('protocol.registerSchemesAsPrivileged can only be called once');
      protocolState.privileged = { schemes: structuredClone(customSchemes), beforeReady: !isReady };
    },
    handle: (scheme: string, handler: RealProtocolHandler) => {
      if (!isReady) throw new Error('protocol.handle can only be used after the app is ready');
      if (protocolState.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      protocolState.handlers.set(scheme, handler);
    },
    isProtocolHandled: (scheme: string) => protocolState.handlers.has(scheme),
  } satisfies RealProtocol;

  /** Sends a request the way the renderer would: to the handler of the URL's scheme. */
  const request = async (url: string, init?: RequestInit): Promise<Response> => {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = protocolState.handlers.get(scheme);
    if (!handler) throw new Error(`no protocol handler for ${scheme}:`);
    return handler(new Request(url, init));
  };

  const defaultSession = {
    // The `protocol` module is the default session's protocol.
    protocol,
    setPermissionRequestHandler: (h: RealRequestHandler | null) => void (sessionState.permissionHandler = h),
    setPermissionCheckHandler: (h: RealCheckHandler | null) => void (sessionState.checkHandler = h),
    webRequest: {
      onHeadersReceived: (l: RealHeadersListener | null) => void (l && (sessionState.headersListener = l)),
    },
  } satisfies RealSession & { protocol: RealProtocol } & { webRequest: { onHeadersReceived(listener: RealHeadersListener | null): void } };

  const shell = {
    openExternal: vi.fn(async (url: string, _options?: Electron.OpenExternalOptions) => void opened.push(url)),
  } satisfies Pick<Electron.Shell, 'openExternal'>;

  const dialog = {
    showOpenDialog: vi.fn(async (..._args: [Electron.BaseWindow, Electron.OpenDialogOptions] | [Electron.OpenDialogOptions]): Promise<Electron.OpenDialogReturnValue> => ({ canceled: true, filePaths: [] })),
  };

  const contextBridge = { exposeInMainWorld: vi.fn((_key: string, _api: unknown) => undefined) } satisfies Pick<Electron.ContextBridge, 'exposeInMainWorld'>;
  const ipcRenderer = { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() };

  const app = {
    ...({
      getVersion: () => '9.9.9',
      getPath: vi.fn((_name: Parameters<Electron.App['getPath']>[0]) => '/tmp/berth-fake-electron'),
      getAppPath: () => options.appPath ?? '/tmp/berth-fake-electron/app',
      requestSingleInstanceLock: () => true,
      quit: vi.fn(),
      isReady: () => isReady,
      whenReady: () => ready,
    } satisfies Pick<Electron.App, 'getVersion' | 'getPath' | 'getAppPath' | 'requestSingleInstanceLock' | 'quit' | 'isReady' | 'whenReady'>),
    // Records listeners by event name (Electron's overloaded `on` has no single signature to check).
    on: (event: string, listener: Listener) => {
      appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
    },
  };

  const module = {
    app,
    BrowserWindow,
    ipcMain,
    dialog,
    shell,
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: Electron.MenuItemConstructorOptions[]) => t) },
    Notification: Object.assign(vi.fn(), { isSupported: () => false }),
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: { defaultSession },
    protocol,
    contextBridge,
    ipcRenderer,
  };

  return {
    module,
    handlers,
    appListeners,
    windows,
    opened,
    sessionState,
    protocolState,
    request,
    fireReady: () => {
      isReady = true;
      whenReadyResolve();
    },
  };
}

