/**
 * What EC2's Describe actions share: flattened lists (`VpcId.1`, `Filter.1.Value.1`), filters
 * matched with wildcards, MaxResults checked as EC2 checks it, and opaque NextTokens.
 */
import { fail } from '../errors';
import type { QueryInput, QueryValue } from '../protocol/query';

/** An EC2 list (`Name.1`, `Name.2`...), rebuilt as an array in index order. */
export function ec2List(value: QueryValue | undefined): QueryValue[] {
  if (value === undefined || typeof value === 'string') return [];
  if (Array.isArray(value)) return value;
  return Object.keys(value)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => value[k]!);
}

export const strings = (value: QueryValue | undefined): string[] => ec2List(value).filter((v): v is string => typeof v === 'string');

/** EC2 filter values match with `*` (any run) and `?` (one character). */
export function wildcard(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(text);
}

export interface Ec2Filter {
  name: string;
  values: string[];
}

/** The request's `Filter.N.Name` / `Filter.N.Value.M`, refusing a name the action does not know (besides `tag:<key>`). */
export function filtersOf(input: QueryInput, known: ReadonlySet<string>): Ec2Filter[] {
  const filters = ec2List(input.Filter).map((f) => (typeof f === 'object' && !Array.isArray(f) ? { name: String(f.Name ?? ''), values: strings(f.Value) } : { name: '', values: [] }));
  for (const f of filters) if (!f.name.startsWith('tag:') && !known.has(f.name)) fail('InvalidParameterValue', `The filter '${f.name}' is invalid`);
  return filters;
}

/** Keeps the items one of whose values matches one of each filter's patterns. */
export function applyFilters<T>(items: T[], filters: readonly Ec2Filter[], valuesOf: (item: T, filter: string) => string[]): T[] {
  return filters.reduce((kept, f) => kept.filter((item) => valuesOf(item, f.name).some((actual) => f.values.some((pattern) => wildcard(pattern, actual)))), items);
}

/** MaxResults as EC2 checks it: 5 to 1000. */
export function pageSize(input: QueryInput): number | undefined {
  const raw = input.MaxResults;
  if (typeof raw !== 'string') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) fail('InvalidParameterValue', `Value ( ${raw} ) for parameter maxResults is invalid.`);
  if (n < 5) fail('InvalidParameterValue', `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
  if (n > 1000) fail('InvalidParameterValue', `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value less than 1000.`);
  return n;
}

const badToken = (): never => fail('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.');

// Tokens are opaque to callers: the id to continue after, encoded.
const encodeToken = (id: string) => Buffer.from(JSON.stringify({ after: id })).toString('base64url');
function decodeToken(token: string): string {
  try {
    const after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown }).after;
    if (typeof after === 'string') return after;
  } catch {
    // fall through to EC2's error
  }
  return badToken();
}

/** One page of `items` (in a stable order) after the request's NextToken, and the token for the next. */
export function pageAfter<T>(items: T[], idOf: (item: T) => string, input: QueryInput, max: number | undefined): { page: T[]; nextToken?: string } {
  let rest = items;
  const token = typeof input.NextToken === 'string' && input.NextToken !== '' ? input.NextToken : undefined;
  if (token) {
    const after = decodeToken(token);
    const at = items.findIndex((item) => idOf(item) === after);
    if (at < 0) badToken();
    rest = items.slice(at + 1);
  }
  const page = max === undefined ? rest : rest.slice(0, max);
  return page.length < rest.length ? { page, nextToken: encodeToken(idOf(page[page.length - 1]!)) } : { page };
}
