/** Problems found in a user's files, positioned so the UI and CLI can point at the line. */

export type Severity = 'error' | 'warning' | 'info';

/** One problem: what is wrong, where (file, line, column, key path) and how to fix it. */
export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. `port-udp-ingress`; documented in docs/compatibility.md. */
  code: string;
  message: string;
  /** What the user can do about it, in one sentence. */
  fix?: string;
  /** Absolute path of the file, or '' when the problem is not in a file (e.g. no compose file). */
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  /** Key path inside the file, e.g. `services.web.ports[0].target`. */
  path: string;
  /** Absolute path of the file or folder the problem is about, when it is not the compose file itself (a missing build context, env_file, extends file). */
  subject?: string;
}

/** True when any diagnostic blocks a deploy. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
