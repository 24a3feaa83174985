/** A tiny XML writer for AWS responses (query protocol and REST-XML), and a parser for request bodies. */
import { XMLParser } from 'fast-xml-parser';

/** A value the writer knows how to render. Arrays become repeated `<member>` (or a named) element. */
export type XmlValue = string | number | boolean | Date | null | undefined | XmlValue[] | { [key: string]: XmlValue } | XmlList;

/** A list rendered with a chosen element name and optionally flattened (S3 style: `<Contents>` repeated without a wrapper). */
export class XmlList {
  constructor(
    readonly items: XmlValue[],
    readonly itemName: string,
    readonly flat = false,
  ) {}
}

/** Escapes text for XML content. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function renderScalar(value: string | number | boolean | Date): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

/** Renders `<name>value</name>`; undefined/null values are omitted entirely. */
export function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (value instanceof XmlList) {
    const inner = value.items.map((item) => element(value.itemName, item)).join('');
    return value.flat ? inner : `<${name}>${inner}</${name}>`;
  }
  if (Array.isArray(value)) return `<${name}>${value.map((item) => element('member', item)).join('')}</${name}>`;
  if (typeof value === 'object' && !(value instanceof Date)) return `<${name}>${children(value)}</${name}>`;
  return `<${name}>${renderScalar(value)}</${name}>`;
}

/** Renders the members of an object as sibling elements, in key order. */
export function children(value: { [key: string]: XmlValue }): string {
  let out = '';
  for (const [key, child] of Object.entries(value)) {
    if (child instanceof XmlList && child.flat) out += element(key, child);
    else out += element(key, child);
  }
  return out;
}

/** A full document with the XML declaration and a namespace on the root. */
export function document(root: string, namespace: string | undefined, body: { [key: string]: XmlValue }): string {
  const ns = namespace ? ` xmlns="${namespace}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${children(body)}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ['Object', 'Part', 'Tag', 'Rule', 'member', 'Transition', 'NoncurrentVersionTransition'].includes(name),
});

/** Parses an XML request body into plain objects (text values stay strings). */
export function parseXml(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  return parser.parse(text) as Record<string, unknown>;
}
