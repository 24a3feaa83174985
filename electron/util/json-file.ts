/** Small JSON state files: read through a zod schema (a corrupt file is reported, not trusted), written atomically. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';

/** Reads and validates a JSON file; returns `fallback` when it does not exist or does not parse. */
export async function readJsonFile<S extends z.ZodType>(file: string, schema: S, fallback: z.output<S>): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    // A half-written or hand-edited file: start over rather than crash the app.
    return fallback;
  }
}

/** Writes JSON via a temp file and rename, so a crash never leaves a half-written file. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(value, null, 2), { mode: 0o600 });
  await rename(temp, file);
}
