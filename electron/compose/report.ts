/** Collects diagnostics while a project loads: positioned, de-duplicated, sorted for display. */
import type { Diagnostic, Severity } from '../../shared/domain/diagnostics';
import { lineCol, type At } from './tree';

/** The diagnostics of one load. */
export class Report {
  private readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  /** Adds one diagnostic at a node's position (its file, line, column and key path). */
  add(severity: Severity, code: string, message: string, fix: string, at: At, subject?: string): void {
    const { line, column } = lineCol(at);
    const file = at.src?.path ?? '';
    const key = `${severity}|${code}|${file}|${line}|${column}|${at.path}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d: Diagnostic = { severity, code, message, fix, file, line, column, path: at.path };
    if (subject !== undefined) d.subject = subject;
    this.items.push(d);
  }

  /** Adds an error: blocks a deploy. */
  error(code: string, message: string, fix: string, at: At, subject?: string): void {
    this.add('error', code, message, fix, at, subject);
  }

  /** Adds a warning: shown, does not block. */
  warning(code: string, message: string, fix: string, at: At, subject?: string): void {
    this.add('warning', code, message, fix, at, subject);
  }

  /** Adds an informational note. */
  info(code: string, message: string, fix: string, at: At, subject?: string): void {
    this.add('info', code, message, fix, at, subject);
  }

  /** True when an error was reported. */
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** Every diagnostic, sorted by file, line and column (folder-level ones first). */
  sorted(): Diagnostic[] {
    return [...this.items].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  }
}
