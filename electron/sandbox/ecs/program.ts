/**
 * What a simulated program prints. The sandbox does not run containers; for a shell script
 * (`sh -c "…"`) it prints what the script's `echo`/`printf` statements would, so a failing
 * one-off in a test has a real last log line to report.
 */
import { shellWords } from '../../compose/units';

const SHELLS = new Set(['sh', 'bash', '/bin/sh', '/bin/bash', 'ash', '/bin/ash']);

/** The lines the script's echo and printf statements write, in order. */
export function simulatedOutput(command: string[]): string[] {
  const at = command.findIndex((word, i) => SHELLS.has(word) && command[i + 1] === '-c');
  const script = at >= 0 ? command[at + 2] : undefined;
  if (!script) return [];
  const lines: string[] = [];
  for (const statement of script.split(/;|&&|\|\||\n/)) {
    const words = shellWords(statement.trim().replace(/\s*[12]?>&?\s*\S+$/, '')) ?? [];
    if (words[0] === 'echo') lines.push(words.slice(1).filter((w) => !/^-[neE]+$/.test(w)).join(' '));
    if (words[0] === 'printf' && words[1] !== undefined) lines.push(words[1].replace(/\\n$/, ''));
  }
  return lines;
}
