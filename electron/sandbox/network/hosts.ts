/**
 * The host names a simulated program would look up: URL hosts, `host:port` pairs and the values
 * of variables named like a host (`DB_HOST=db`). The sandbox's own reading, independent of
 * Berth's compose analysis, so the two can disagree and a test notices.
 */

const URL_HOST = /[a-z][a-z0-9+.-]*:\/\/(?:[^\s/@]*@)?(\[[^\]]+\]|[A-Za-z0-9._-]+)/gi;
const HOST_PORT = /(?:^|[\s,;=(])([A-Za-z][A-Za-z0-9._-]*):(\d{2,5})(?![\d.])/g;
const HOST_VARIABLE = /(^|_)(HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$/i;
const BARE_NAME = /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)*$/;

function add(out: string[], host: string): void {
  const h = host.replace(/^\[|\]$/g, '');
  if (h && !out.includes(h)) out.push(h);
}

/** Hosts in one value (for `variable`, when it names a host, the bare value counts too). */
export function hostsIn(value: string, variable?: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(URL_HOST)) add(out, m[1]!);
  for (const m of value.matchAll(HOST_PORT)) add(out, m[1]!);
  if (variable && HOST_VARIABLE.test(variable) && BARE_NAME.test(value.trim())) add(out, value.trim());
  return out;
}

/** Hosts in a container's environment (values by variable) and command words, once each. */
export function hostsOfContainer(environment: Record<string, string>, command: string[]): string[] {
  const out: string[] = [];
  for (const [variable, value] of Object.entries(environment)) for (const h of hostsIn(value, variable)) add(out, h);
  for (let i = 0; i < command.length; i++) {
    for (const h of hostsIn(command[i]!)) add(out, h);
    // `--host db`, `-h db`: the flag names a host, the next word is it.
    const flag = command[i]!;
    const next = command[i + 1];
    if (next && /^--?(h|host|hostname|server|addr|address)$/i.test(flag) && BARE_NAME.test(next)) add(out, next);
  }
  return out;
}
