/**
 * BuildKit's plain progress output (`--progress=plain`): numbered vertices (`#5 [2/4] RUN npm ci`),
 * their output with elapsed seconds, `DONE 1.2s`, and the error report with a Dockerfile excerpt.
 */

/** A failed solve: the lines BuildKit prints before `ERROR: failed to build: failed to solve: <message>`. */
export class SolveFailure extends Error {
  constructor(
    message: string,
    readonly report: string[] = [],
  ) {
    super(message);
  }
}

/** One vertex of the build graph as it appears in the log. */
export interface Vertex {
  readonly id: number;
  readonly name: string;
  line(text: string): void;
  /** A line of the step's own output, stamped with seconds since it started. */
  output(seconds: number, text: string): void;
  done(seconds: number): void;
  error(message: string): void;
}

/** Numbers vertices and writes them through `log` (which masks secrets). */
export class Progress {
  // `#0` is the builder line; vertices count from 1.
  private next = 1;
  constructor(private readonly log: (lines: string[]) => void) {}

  /** Writes a line that is not part of any vertex (`#0 building with ...`, warnings). */
  raw(...lines: string[]): void {
    this.log(lines);
  }

  /** Starts a vertex: a blank line, then `#n name`. */
  vertex(name: string): Vertex {
    const id = this.next++;
    const log = this.log;
    log(['', `#${id} ${name}`]);
    return {
      id,
      name,
      line: (text) => log([`#${id} ${text}`]),
      output: (seconds, text) => log([`#${id} ${seconds.toFixed(3)} ${text}`]),
      done: (seconds) => log([`#${id} DONE ${seconds.toFixed(1)}s`]),
      error: (message) => log([`#${id} ERROR: ${message}`]),
    };
  }
}

/** The Dockerfile excerpt BuildKit prints around failing lines (two lines of context, four for a single line). */
export function sourceExcerpt(filename: string, source: string, startLine: number, endLine = startLine): string[] {
  const lines = source.split('\n');
  if (startLine < 1 || startLine > lines.length) return [];
  let start = startLine;
  let end = Math.min(endLine, lines.length);
  const pad = start === end ? 4 : 2;
  for (let p = 0; p < pad; p++) {
    if (start > 1) {
      start--;
      p++;
    }
    if (end !== lines.length) {
      end++;
      p++;
    }
  }
  const out = [`${filename}:${startLine}`, '--------------------'];
  for (let i = start; i <= end; i++) out.push(` ${String(i).padStart(3)} | ${i >= startLine && i <= endLine ? '>>>' : '   '} ${lines[i - 1]}`);
  out.push('--------------------');
  return out;
}

/** The block BuildKit prints for a failed step: its name and the last lines of its output. */
export function stepReport(vertex: Vertex, outputTail: string[]): string[] {
  return ['------', ` > ${vertex.name}:`, ...outputTail, '------'];
}
