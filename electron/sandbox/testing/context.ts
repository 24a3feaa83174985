/** Builds a gzipped tar build context in memory (for build tests). */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/** A tar.gz holding the given files. */
export async function buildContext(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) p.entry({ name, mode: 0o644, mtime: new Date(0) }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}
