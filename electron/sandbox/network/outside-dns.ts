/**
 * DNS outside this AWS account: the records a user keeps at their registrar or DNS host. ACM
 * looks here for a validation record when no public Route 53 zone of the sandbox has it.
 * Tests and the app add records through `Sandbox.putOutsideDnsRecord` or, over HTTP,
 * `PUT /_sandbox/outside-dns` with `{"name", "type", "value"}` (unsigned, like the health check).
 */
import type { SandboxCore } from '../core';
import { fail, SandboxError } from '../errors';
import type { OutsideDnsRecord } from '../state';

/** Where the sandbox serves the outside world's DNS. */
export const OUTSIDE_DNS_PATH = '/_sandbox/outside-dns';

const NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+$/;

function absolute(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

const keyOf = (name: string, type: string) => `${absolute(name)}|${type.toUpperCase()}`;

/** Adds or replaces the record of that name and type; a CNAME's value is kept absolute, as resolvers read it. */
export function putOutsideDnsRecord(core: SandboxCore, input: { name: string; type?: string; value: string }): OutsideDnsRecord {
  const name = absolute(input.name);
  const type = (input.type ?? 'CNAME').toUpperCase();
  if (!NAME.test(name) || name.length > 254) fail('InvalidInput', `"${input.name}" is not a DNS name.`);
  if (!/^[A-Z]+$/.test(type)) fail('InvalidInput', `"${input.type}" is not a DNS record type.`);
  if (!input.value.trim()) fail('InvalidInput', 'A DNS record needs a value.');
  const record: OutsideDnsRecord = { name, type, value: type === 'CNAME' ? absolute(input.value) : input.value.trim() };
  core.state.outsideDns.records.set(keyOf(name, type), record);
  core.changed();
  // A certificate waiting for this record looks again.
  core.scheduler.signal();
  return record;
}

/** Removes a record; false when there was none. */
export function deleteOutsideDnsRecord(core: SandboxCore, name: string, type = 'CNAME'): boolean {
  const deleted = core.state.outsideDns.records.delete(keyOf(name, type));
  if (deleted) core.changed();
  return deleted;
}

/** Every outside record, by name. */
export function outsideDnsRecords(core: SandboxCore): OutsideDnsRecord[] {
  return [...core.state.outsideDns.records.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The CNAME value outside DNS gives a name, if any. */
export function outsideCnameValue(core: SandboxCore, name: string): string | undefined {
  return core.state.outsideDns.records.get(keyOf(name, 'CNAME'))?.value;
}

/** The HTTP form: GET lists, PUT adds `{name, type, value}`, DELETE `?name=&type=` removes. */
export function serveOutsideDns(core: SandboxCore, method: string, query: URLSearchParams, body: string): { status: number; body: unknown } {
  try {
    if (method === 'GET') return { status: 200, body: { records: outsideDnsRecords(core) } };
    if (method === 'PUT' || method === 'POST') {
      let input: { name?: unknown; type?: unknown; value?: unknown };
      try {
        input = JSON.parse(body) as typeof input;
      } catch {
        return { status: 400, body: { message: 'Send JSON: {"name": "...", "type": "CNAME", "value": "..."}' } };
      }
      return { status: 200, body: putOutsideDnsRecord(core, { name: String(input.name ?? ''), type: input.type === undefined ? undefined : String(input.type), value: String(input.value ?? '') }) };
    }
    if (method === 'DELETE') {
      const deleted = deleteOutsideDnsRecord(core, query.get('name') ?? '', query.get('type') ?? 'CNAME');
      return deleted ? { status: 200, body: { deleted: true } } : { status: 404, body: { message: 'No such record in the outside DNS.' } };
    }
    return { status: 405, body: { message: 'Use GET, PUT or DELETE.' } };
  } catch (error) {
    if (error instanceof SandboxError) return { status: 400, body: { message: error.message } };
    throw error;
  }
}
