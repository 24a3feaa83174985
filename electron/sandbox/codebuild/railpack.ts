/**
 * `railpack prepare` in the sandbox: which provider Railpack (v0.37) picks for a context with no
 * Dockerfile, from the files at its root in Railpack's provider order (a `railpack.json`
 * `provider` wins), and the plan BuildKit's Railpack frontend then builds. Railpack's own output
 * lines; when nothing matches, its "could not determine how to build the app" failure.
 */
import type { ContextFiles } from './context';

export interface RailpackPlan {
  provider: string;
  /** The plan file `--plan-out` writes, read by the frontend as a Dockerfile would be. */
  plan: string;
}

/** A failed `railpack prepare`: the lines it printed. */
export class RailpackFailure extends Error {
  constructor(readonly lines: string[]) {
    super(lines[0]);
  }
}

const root = (files: ContextFiles) => new Set([...files.keys()].map((p) => p.split('/')[0]!));
const any = (names: Set<string>, ...wanted: string[]) => wanted.some((w) => names.has(w));

// Railpack's order (core/providers/provider.go); each entry says when the provider applies.
const DETECTORS: [string, (names: Set<string>, files: ContextFiles) => boolean][] = [
  ['php', (n) => any(n, 'index.php', 'composer.json')],
  ['golang', (n) => any(n, 'go.mod', 'go.work', 'main.go')],
  ['java', (n) => any(n, 'gradlew') || [...n].some((f) => /^pom\.(xml|atom|clj|groovy|rb|scala|ya?ml)$/.test(f))],
  ['rust', (n) => any(n, 'Cargo.toml')],
  ['ruby', (n) => any(n, 'Gemfile')],
  ['elixir', (n) => any(n, 'mix.exs')],
  ['python', (n) => any(n, 'main.py', 'app.py', 'start.py', 'bot.py', 'hello.py', 'server.py', 'requirements.txt', 'pyproject.toml', 'Pipfile')],
  ['deno', (n) => any(n, 'deno.json', 'deno.jsonc')],
  ['dotnet', (n) => [...n].some((f) => f.endsWith('.csproj'))],
  ['node', (n) => any(n, 'package.json', 'package.json5')],
  ['gleam', (n) => any(n, 'gleam.toml')],
  ['cpp', (n) => any(n, 'CMakeLists.txt', 'meson.build')],
  ['staticfile', (n, files) => /^\s*root\s*:/m.test(files.get('Staticfile')?.toString('utf8') ?? '') || any(n, 'public', 'index.html')],
  ['shell', (n) => any(n, 'start.sh')],
];

const title = (p: string) => p[0]!.toUpperCase() + p.slice(1);

/** Detects the provider and writes the plan; the lines Railpack prints go to `log`. */
export function railpackPrepare(files: ContextFiles, version: string, log: (lines: string[]) => void): RailpackPlan {
  const names = root(files);
  let chosen: string | undefined;
  const config = files.get('railpack.json');
  if (config) {
    try {
      const provider = (JSON.parse(config.toString('utf8')) as { provider?: unknown }).provider;
      if (typeof provider === 'string') chosen = provider.toLowerCase();
    } catch (error) {
      throw new RailpackFailure([`failed to read config file railpack.json: ${(error as Error).message}`]);
    }
    if (chosen && !DETECTORS.some(([name]) => name === chosen)) throw new RailpackFailure([`provider ${chosen} not found`]);
  }
  chosen ??= DETECTORS.find(([, applies]) => applies(names, files))?.[0];
  log(['', `Railpack ${version}`, '']);
  if (!chosen) {
    throw new RailpackFailure([
      '✖ Railpack could not determine how to build the app.',
      '',
      'The following languages are supported:',
      ...DETECTORS.map(([name]) => `  · ${title(name)}`),
      '',
      'The app contents that Railpack analyzed contains:',
      ...[...names].sort().slice(0, 20).map((n) => `  ./${n}${files.get(n) === null ? '/' : ''}`),
      '',
      'Check out the docs for more information: https://railpack.com',
    ]);
  }
  log([`  ↳ Detected ${title(chosen)}`, '', `Wrote plan to /tmp/berth/railpack-plan.json`]);
  // The frontend reads the plan's steps; the sandbox's plan is a Dockerfile of the same shape.
  const plan = ['# syntax=ghcr.io/railwayapp/railpack-frontend', `FROM ghcr.io/railwayapp/railpack-runtime:latest AS ${chosen}`, 'WORKDIR /app', 'COPY . /app', `RUN railpack-${chosen}-install`, `RUN railpack-${chosen}-build`, ''].join('\n');
  return { provider: chosen, plan };
}
