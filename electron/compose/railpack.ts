/**
 * Which Railpack provider builds a build context that has no Dockerfile, decided as Railpack
 * v0.37 decides it (railwayapp/railpack `core/providers/provider.go`, each provider's `Detect`):
 * the first provider, in Railpack's order, whose files are at the context root wins, and a
 * `railpack.json` `provider` overrides detection. Railpack looks at the folder it is given; on
 * AWS that is the context Berth uploads, which leaves out what `.dockerignore` excludes — so a
 * file the `.dockerignore` hides triggers nothing here either.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import ignore from '@balena/dockerignore';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RailpackDetection } from '../../shared/domain/project';
import type { Report } from './report';
import type { At } from './tree';

/** Railpack's config file, read from the context root (`--config-file` default). */
export const RAILPACK_CONFIG = 'railpack.json';

/** The files at the context root a provider can look at. */
interface ContextView {
  names: readonly string[];
  /** True when `name` exists at the root (as Railpack's `HasFile`: a file or a folder). */
  has(name: string): Promise<boolean>;
  read(name: string): Promise<string | undefined>;
}

interface Provider {
  /** `Name()` with its first letter capitalised, as Railpack's own messages print it. */
  name: string;
  /** What it looks for, in words (for the nothing-detected error). */
  looksFor: string;
  /** The files that trigger it, in the order Railpack checks them; none when it does not apply. */
  detect(view: ContextView): Promise<string[]>;
}

async function present(view: ContextView, names: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) if (await view.has(name)) out.push(name);
  return out;
}

function files(name: string, triggers: readonly string[], looksFor = triggers.join(', ')): Provider {
  return { name, looksFor, detect: (view) => present(view, triggers) };
}

const PYTHON_MAIN_FILES = ['main.py', 'app.py', 'start.py', 'bot.py', 'hello.py', 'server.py'];
const POM_FILES = ['xml', 'atom', 'clj', 'groovy', 'rb', 'scala', 'yaml', 'yml'].map((ext) => `pom.${ext}`);

/** Railpack's providers in its detection order: the first that matches builds the app. */
export const RAILPACK_PROVIDERS: readonly Provider[] = [
  files('Php', ['index.php', 'composer.json']),
  files('Golang', ['go.mod', 'go.work', 'main.go']),
  files('Java', [...POM_FILES, 'gradlew'], 'pom.xml (or another pom.*), gradlew'),
  files('Rust', ['Cargo.toml']),
  files('Ruby', ['Gemfile']),
  files('Elixir', ['mix.exs']),
  files('Python', [...PYTHON_MAIN_FILES, 'requirements.txt', 'pyproject.toml', 'Pipfile'], `requirements.txt, pyproject.toml, Pipfile, ${PYTHON_MAIN_FILES.join(', ')}`),
  files('Deno', ['deno.json', 'deno.jsonc']),
  {
    name: 'Dotnet',
    looksFor: '*.csproj',
    detect: (view) => present(view, view.names.filter((n) => n.endsWith('.csproj')).sort()),
  },
  files('Node', ['package.json', 'package.json5']),
  files('Gleam', ['gleam.toml']),
  files('Cpp', ['CMakeLists.txt', 'meson.build']),
  {
    name: 'Staticfile',
    looksFor: 'a Staticfile with `root:`, a public folder, index.html',
    // A Staticfile counts only when it names a root; then a public folder, then index.html.
    detect: async (view) => {
      const staticfile = await view.read('Staticfile');
      if (staticfile !== undefined && staticfileRoot(staticfile)) return ['Staticfile'];
      const found = await present(view, ['public', 'index.html']);
      return found.slice(0, 1);
    },
  },
  files('Shell', ['start.sh']),
];

function staticfileRoot(text: string): string | undefined {
  try {
    const doc: unknown = parseYaml(text);
    const root = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).root : undefined;
    return typeof root === 'string' && root.trim() !== '' ? root.trim() : undefined;
  } catch {
    return undefined; // Railpack ignores a Staticfile it cannot read and looks further.
  }
}

/** Railpack's config as far as Berth reads it; other keys are Railpack's business. */
const RailpackConfig = z.object({ provider: z.string().optional() });

/**
 * `railpack.json` as Railpack reads it: JSON with comments and trailing commas allowed (hujson).
 * No dependency of Berth parses that dialect, so comments and trailing commas are dropped here.
 */
export function standardJson(text: string): string {
  let out = '';
  let lastComma = -1;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      lastComma = -1;
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new SyntaxError('a /* comment is not closed');
      out += ' ';
      i = end + 2;
    } else {
      if ((c === '}' || c === ']') && lastComma >= 0) out = out.slice(0, lastComma) + out.slice(lastComma + 1);
      if (c === ',') lastComma = out.length;
      else if (!/\s/.test(c)) lastComma = -1;
      out += c;
      i += 1;
    }
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The context root as the upload holds it (`.dockerignore` applied), and as the folder holds it. */
async function contextViews(context: string): Promise<{ uploaded: ContextView; all: ContextView; hidden: (name: string) => boolean }> {
  const names = await readdir(context).catch(() => [] as string[]);
  const ignoreText = names.includes('.dockerignore') ? await readText(join(context, '.dockerignore')) : undefined;
  const patterns = (ignoreText ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  // Docker's own matching (Railpack uses moby's parser for the same file).
  const matcher = ignore().add(patterns);
  const hidden = (name: string) => patterns.length > 0 && matcher.ignores(name);
  const view = (skipHidden: boolean): ContextView => {
    const visible = skipHidden ? names.filter((n) => !hidden(n)) : names;
    return {
      names: visible,
      has: async (name) => visible.includes(name) && exists(join(context, name)),
      read: async (name) => (visible.includes(name) ? readText(join(context, name)) : undefined),
    };
  };
  return { uploaded: view(true), all: view(false), hidden };
}

async function firstMatch(view: ContextView): Promise<RailpackDetection | undefined> {
  for (const provider of RAILPACK_PROVIDERS) {
    const evidence = await provider.detect(view);
    if (evidence.length > 0) return { provider: provider.name, evidence };
  }
  return undefined;
}

/**
 * Detects the Railpack provider of `context` (a folder without a Dockerfile) for `service`;
 * reports, at `at` (the build context in the compose file), a context Railpack would refuse:
 * no provider matches, or its railpack.json cannot be read.
 */
export async function detectRailpack(context: string, service: string, at: At, report: Report): Promise<RailpackDetection | undefined> {
  const { uploaded, all, hidden } = await contextViews(context);
  const configText = await uploaded.read(RAILPACK_CONFIG);
  if (configText !== undefined) {
    let provider: string | undefined;
    try {
      provider = RailpackConfig.parse(JSON.parse(standardJson(configText))).provider;
    } catch (e) {
      const why = e instanceof z.ZodError ? '`provider` must be a string' : (e as Error).message;
      report.error('railpack-config-invalid', `${service} has no Dockerfile, so Railpack builds it, but its ${RAILPACK_CONFIG} cannot be read (${why}); Railpack stops at a config file it cannot read.`, `Fix ${join(context, RAILPACK_CONFIG)} (JSON; comments and trailing commas are allowed), or remove it.`, at, join(context, RAILPACK_CONFIG));
      return undefined;
    }
    if (provider !== undefined) {
      const forced = RAILPACK_PROVIDERS.find((p) => p.name.toLowerCase() === provider.toLowerCase());
      if (forced) return { provider: forced.name, evidence: [RAILPACK_CONFIG] };
      report.warning('railpack-provider-unknown', `The ${RAILPACK_CONFIG} of ${service} names the provider "${provider}", which Railpack does not have; Railpack ignores it and detects the app from its files.`, `Set \`provider\` to one of ${RAILPACK_PROVIDERS.map((p) => p.name.toLowerCase()).join(', ')}, or remove it.`, at, join(context, RAILPACK_CONFIG));
    }
  }
  const detected = await firstMatch(uploaded);
  if (detected) return detected;

  const left = (await firstMatch(all))?.evidence.filter(hidden) ?? [];
  const hiddenNote = left.length > 0 ? ` Its .dockerignore leaves out ${left.join(', ')}, so Berth does not upload ${left.length === 1 ? 'it' : 'them'} and Railpack would not see ${left.length === 1 ? 'it' : 'them'}.` : '';
  report.error(
    'railpack-no-provider',
    `${service} has no Dockerfile in its build context (${context}), and Railpack finds no app there to build. Railpack looks at the context's top folder for: ${RAILPACK_PROVIDERS.map((p) => `${p.looksFor} (${p.name})`).join('; ')}.${hiddenNote}`,
    left.length > 0
      ? `Stop .dockerignore from excluding ${left.join(', ')}, or add a Dockerfile to the context.`
      : 'Add a Dockerfile to the context, or the file that says what the app is, at its top: e.g. package.json (Node), requirements.txt or pyproject.toml (Python), go.mod (Go).',
    at,
    context,
  );
  return undefined;
}
