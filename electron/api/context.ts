/**
 * What every handler gets besides its arguments: where data lives, how to emit events,
 * the shell's native abilities (if any), and a place for long-lived engine services.
 * Built once per app run by the Electron shell, the web bridge's launcher, or a test.
 */
import type { EventName, PayloadOf } from '../../shared/contract';

export interface ShellAbilities {
  /** Native folder picker; absent in browser mode. */
  pickFolder?: () => Promise<string | null>;
  /** Opens an https URL in the system browser. */
  openExternal: (url: string) => Promise<void>;
  /** Desktop notification (e.g. when a long deploy finishes); absent in browser mode. */
  notify?: (title: string, body: string) => void;
}

export type EventListener = <E extends EventName>(event: E, payload: PayloadOf<E>) => void;

export interface AppContext {
  readonly shell: 'desktop' | 'web' | 'cli' | 'test';
  readonly version: string;
  /** Folder for app state: recent projects, pins, deployment records, sandbox state. */
  readonly dataDir: string;
  readonly abilities: ShellAbilities;
  /** Sends an event to every connected renderer. */
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void;
  /** Subscribes to emitted events (the shell and the bridge forward them). Returns unsubscribe. */
  subscribe(listener: EventListener): () => void;
  /** One instance per context of a long-lived service (connection, watchers, deployments...). */
  service<T>(key: string, create: () => T): T;
  /** Registers cleanup for when the app quits or a test ends. */
  onDispose(cleanup: () => void | Promise<void>): void;
  /** Runs every cleanup, newest first. */
  dispose(): Promise<void>;
}

export interface ContextOptions {
  shell: AppContext['shell'];
  version: string;
  dataDir: string;
  abilities?: Partial<ShellAbilities>;
}

/** Builds a context; the caller owns it and must `dispose()` it. */
export function createContext(options: ContextOptions): AppContext {
  const listeners = new Set<EventListener>();
  const services = new Map<string, unknown>();
  const cleanups: (() => void | Promise<void>)[] = [];
  const ctx: AppContext = {
    shell: options.shell,
    version: options.version,
    dataDir: options.dataDir,
    abilities: {
      openExternal: async () => {
        throw new Error('Opening links is not available here');
      },
      ...options.abilities,
    },
    emit(event, payload) {
      for (const listener of listeners) {
        try {
          listener(event, payload);
        } catch {
          // A broken listener (a closed window, a dropped SSE client) must not stop the others.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    service<T>(key: string, create: () => T): T {
      if (!services.has(key)) services.set(key, create());
      return services.get(key) as T;
    },
    onDispose(cleanup) {
      cleanups.push(cleanup);
    },
    async dispose() {
      while (cleanups.length > 0) {
        const cleanup = cleanups.pop()!;
        try {
          await cleanup();
        } catch {
          // Keep disposing the rest: one failed cleanup must not leak the others.
        }
      }
      services.clear();
      listeners.clear();
    },
  };
  return ctx;
}
