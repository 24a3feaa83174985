/**
 * The renderer's one door to main: the preload bridge (`window.berth`) under Electron, or the
 * HTTP + SSE bridge in a browser. Everything above this module calls `api[method](args)` and
 * `onEvent(name, cb)` and never knows which transport it is on.
 */
import type { ArgsOf, EventName, MethodName, PayloadOf, ResultOf } from '../../shared/contract';
import { EVENT_NAMES, METHOD_NAMES } from '../../shared/names';
import { isAppError, type AppError, type ErrorCode, type Result } from '../../shared/result';

/** An AppError as a thrown value, so react-query sees failures; code and details survive. */
export class ApiError extends Error implements AppError {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(error: AppError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.details = error.details;
  }
}

type Unsubscribe = () => void;
interface Transport {
  call(method: MethodName, args: unknown): Promise<Result<unknown>>;
  on(event: EventName, callback: (payload: unknown) => void): Unsubscribe;
  /** Called when the event stream comes back after a drop (main restarted): events in between are lost. */
  onReconnect(callback: () => void): Unsubscribe;
  kind: 'preload' | 'http';
}

/** The preload's `window.berth`: one function per method, plus `on`. */
type PreloadBridge = Record<MethodName, (args: unknown) => Promise<Result<unknown>>> & {
  on(event: EventName, callback: (payload: unknown) => void): Unsubscribe;
};

function preloadTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'preload',
    call: (method, args) => bridge[method](args),
    on: (event, callback) => bridge.on(event, callback),
    // The preload's IPC channel lives as long as the window: it never drops.
    onReconnect: () => () => undefined,
  };
}

const TOKEN_KEY = 'berth.token';

/** Takes the access token from the URL once (then hides it from the address bar) and keeps it for this tab. */
function readToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpTransport(): Transport {
  const token = readToken();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const reconnectListeners = new Set<() => void>();
  let source: EventSource | null = null;
  let dropped = false;
  const ensureSource = () => {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    // EventSource reconnects by itself; tell subscribers so they can re-read what they missed.
    source.addEventListener('error', () => {
      dropped = true;
    });
    source.addEventListener('open', () => {
      if (!dropped) return;
      dropped = false;
      for (const cb of reconnectListeners) cb();
    });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
        for (const cb of listeners.get(name) ?? []) cb(payload);
      });
    }
  };
  return {
    kind: 'http',
    async call(method, args) {
      let response: Response;
      try {
        response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(args ?? {}),
        });
      } catch {
        return { ok: false, error: { code: 'NETWORK', message: 'Berth’s local server is not answering. Is `npm run web` still running?' } };
      }
      const body: unknown = await response.json().catch(() => null);
      if (body && typeof body === 'object' && 'ok' in body) return body as Result<unknown>;
      return { ok: false, error: { code: 'INTERNAL', message: `Berth’s local server answered ${response.status}.` } };
    },
    on(event, callback) {
      ensureSource();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(callback);
      return () => set.delete(callback);
    },
    onReconnect(callback) {
      ensureSource();
      reconnectListeners.add(callback);
      return () => reconnectListeners.delete(callback);
    },
  };
}

const globalBridge = (window as unknown as { berth?: PreloadBridge }).berth;
const transport: Transport = globalBridge ? preloadTransport(globalBridge) : httpTransport();

/** Which transport is in use (for the About box; features must not branch on it). */
export const transportKind = transport.kind;

export type Api = { [M in MethodName]: (args: ArgsOf<M>) => Promise<ResultOf<M>> };

/** Calls a method; resolves with its value or rejects with an ApiError. */
async function call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
  const result = await transport.call(method, args);
  if (result.ok) return result.value as ResultOf<M>;
  throw new ApiError(isAppError(result.error) ? result.error : { code: 'INTERNAL', message: 'Malformed error from main' });
}

/** `api['project:open']({ dir })` — one typed function per contract method. */
export const api: Api = Object.fromEntries(METHOD_NAMES.map((m) => [m, (args: unknown) => call(m, args as never)])) as Api;

/** Subscribes to a contract event; returns unsubscribe. */
export function onEvent<E extends EventName>(event: E, callback: (payload: PayloadOf<E>) => void): Unsubscribe {
  return transport.on(event, callback as (payload: unknown) => void);
}

/** Subscribes to "the connection to main came back after a drop"; returns unsubscribe. */
export function onReconnect(callback: () => void): Unsubscribe {
  return transport.onReconnect(callback);
}

/**
 * Opens an https link outside the app: the system browser on desktop (through main, which
 * checks the scheme again), a new tab in browser mode. Anything but https is refused.
 */
export async function openExternal(url: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  if (transport.kind === 'preload') {
    await api['app:openExternal']({ url: parsed.href });
  } else {
    window.open(parsed.href, '_blank', 'noopener,noreferrer');
  }
  return true;
}
