/**
 * `berth config ls|set|rm|reveal|generate`: the project's config values (secrets) in SSM.
 * `set NAME` reads the value from stdin, never from the command line (argv is visible to
 * every process on the machine and lands in shell history).
 */
import { CONFIG_NAME_PATTERN } from '../../../shared/domain/secrets';
import { projectConfigNeeds } from '../../secrets/project';
import { deleteConfig, generateConfig, listConfig, revealConfig, setConfig } from '../../secrets/store';
import { UsageError, type Command } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, PROJECT_OPTION, projectDirFrom, withAwsErrors } from './aws-options';

const ACTIONS = ['ls', 'set', 'rm', 'reveal', 'generate'] as const;

function names(list: string[]): string[] {
  for (const n of list) if (!CONFIG_NAME_PATTERN.test(n)) throw new UsageError(`"${n}" is not a valid config name (letters, digits and _, not starting with a digit, at most 64)`);
  return list;
}

/** The value piped in: one trailing line break (from `echo` or a file) is not part of it. */
export function valueFromStdin(text: string): string {
  return text.replace(/\r?\n$/, '');
}

export const configCommand: Command = withAwsErrors({
  name: 'config',
  usage: 'berth config ls | set NAME (value on stdin) | rm NAME... | reveal NAME | generate NAME [--length N]  [--project DIR] [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'List, set, remove or reveal the project’s config values (stored as SSM SecureStrings)',
  options: { ...PROJECT_OPTION, ...CONNECTION_OPTIONS, length: { type: 'string', description: 'Length of a generated value (16-128, default 32)' } },
  async run(run) {
    const [action, ...rest] = run.positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}`);
    if (action === 'ls' && rest.length > 0) throw new UsageError('config ls takes no names');
    if ((action === 'set' || action === 'reveal' || action === 'generate') && rest.length !== 1) throw new UsageError(`config ${action} takes exactly one NAME`);
    if (action === 'rm' && rest.length === 0) throw new UsageError('config rm takes one or more NAMEs');
    names(rest);
    const length = run.options.length === undefined ? undefined : Number(run.options.length);
    if (length !== undefined && (!Number.isInteger(length) || length < 16 || length > 128)) throw new UsageError('--length must be a whole number from 16 to 128');
    // Read stdin before connecting, so a missing value fails fast.
    const value = action === 'set' ? valueFromStdin(await run.io.readStdin()) : undefined;
    if (action === 'set' && !value) throw new UsageError('config set reads the value from stdin, e.g. `printf %s "$VALUE" | berth config set NAME`; stdin was empty');

    const project = await projectConfigNeeds(projectDirFrom(run));
    const { conn } = await connectFromOptions(run);
    const ssm = conn.clients.ssm;
    switch (action) {
      case 'ls': {
        const listing = await listConfig(ssm, project.name, project.requiredConfig);
        if (run.json) {
          run.io.out(JSON.stringify(listing));
          break;
        }
        if (listing.entries.length === 0) run.io.out(`${project.name} needs no config and has none set.`);
        const width = Math.max(4, ...listing.entries.map((e) => e.name.length));
        for (const e of listing.entries) {
          const state = e.isSet ? 'set' : 'MISSING';
          const used = e.usedBy.map((u) => `${u.service}.${u.variable}`).join(', ');
          run.io.out(`${e.name.padEnd(width)}  ${state.padEnd(7)}  ${e.required ? 'required' : 'unused  '}  ${e.lastModified ?? ''}${used ? `  used by ${used}` : ''}`.trimEnd());
        }
        if (listing.missing.length > 0) run.io.err(`Missing before deploy: ${listing.missing.join(', ')}`);
        for (const d of listing.defangImportable) run.io.err(`Defang has ${d.name} (stack ${d.stack}); copy it in the app's Secrets screen.`);
        break;
      }
      case 'set': {
        await setConfig(ssm, project.name, rest[0]!, value!, project.services);
        run.io.out(run.json ? JSON.stringify({ name: rest[0], set: true }) : `Set ${rest[0]} for ${project.name}.`);
        break;
      }
      case 'generate': {
        await generateConfig(ssm, project.name, rest[0]!, length, project.services);
        run.io.out(run.json ? JSON.stringify({ name: rest[0], set: true }) : `Set ${rest[0]} for ${project.name} to a random value (see it with \`berth config reveal ${rest[0]}\`).`);
        break;
      }
      case 'rm': {
        const deleted = await deleteConfig(ssm, project.name, rest);
        run.io.out(run.json ? JSON.stringify({ deleted }) : `Removed ${rest.join(', ')} from ${project.name}.`);
        break;
      }
      case 'reveal': {
        const revealed = await revealConfig(ssm, project.name, rest[0]!);
        run.io.out(run.json ? JSON.stringify({ name: rest[0], value: revealed }) : revealed);
        break;
      }
    }
    return 0;
  },
});
