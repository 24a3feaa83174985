/** Identifiers shaped like AWS's own (so code that parses them keeps working), randomly generated. */
import { randomBytes, randomUUID } from 'node:crypto';

/** `n` lowercase hex characters. */
export function hex(n: number): string {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

/** A random UUID (stack ids, request ids, change set ids). */
export function uuid(): string {
  return randomUUID();
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `n` uppercase alphanumerics, like CloudFormation's physical-name suffixes (`ABC123XYZ`). */
export function upperId(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += UPPER[bytes[i]! % UPPER.length];
  return out;
}

/** A physical name as CloudFormation generates it: `<stack>-<logical>-<SUFFIX>`, trimmed to `max`. */
export function physicalName(stackName: string, logicalId: string, max = 128, lower = false): string {
  const suffix = upperId(12);
  let stackPart = stackName;
  let logicalPart = logicalId;
  const room = max - suffix.length - 2;
  if (stackPart.length + logicalPart.length > room) {
    const half = Math.floor(room / 2);
    stackPart = stackPart.slice(0, Math.max(1, room - Math.min(logicalPart.length, half)));
    logicalPart = logicalPart.slice(0, room - stackPart.length);
  }
  const name = `${stackPart}-${logicalPart}-${suffix}`;
  return lower ? name.toLowerCase() : name;
}
