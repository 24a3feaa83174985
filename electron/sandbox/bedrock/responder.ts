/**
 * The fixed local responder that answers in place of a model: deterministic, labelled text that
 * names the model and echoes the last user text; a call of the first offered tool (input built
 * from its schema's required properties) until a tool result comes back; and embeddings as unit
 * vectors derived from a hash of the text. Nothing here is a model.
 */
import { createHash } from 'node:crypto';
import type { CatalogModel } from './catalog';

export const RESPONDER_LABEL = '[Berth sandbox: fixed local responder, not a model]';
const ECHO_LIMIT = 200;

type Json = Record<string, unknown>;

/** One answer's content: what Converse returns and ConverseStream streams. */
export type AnswerBlock = { text: string } | { toolUse: { toolUseId: string; name: string; input: unknown } };

export interface Answer {
  content: AnswerBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens';
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
  latencyMs: number;
}

/** A deterministic token count: about four characters a token, at least one. */
export function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function truncate(text: string, limit = ECHO_LIMIT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

function blockText(block: Json): string {
  if (typeof block.text === 'string') return block.text;
  if (block.json !== undefined) return JSON.stringify(block.json);
  return '';
}

function messageText(message: Json): string {
  const content = Array.isArray(message.content) ? (message.content as Json[]) : [];
  return content.map((b) => (typeof b.text === 'string' ? b.text : '')).filter(Boolean).join(' ');
}

/** Every character the model would read, for the input token count. */
function promptText(system: Json[], messages: Json[]): string {
  const parts = system.map(blockText);
  for (const m of messages) {
    for (const b of (m.content as Json[]) ?? []) {
      parts.push(blockText(b));
      const tu = b.toolUse as Json | undefined;
      if (tu) parts.push(String(tu.name ?? ''), JSON.stringify(tu.input ?? {}));
      const tr = b.toolResult as Json | undefined;
      if (tr) parts.push(...((tr.content as Json[]) ?? []).map(blockText));
    }
  }
  return parts.join('\n');
}

/** A tool input from its JSON schema's required properties: strings "sandbox", numbers 1, booleans true. */
export function inputFromSchema(schema: unknown): unknown {
  const s = (schema ?? {}) as Json;
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (type === 'object' || s.properties !== undefined) {
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    return Object.fromEntries(required.map((name) => [name, inputFromSchema(properties[name])]));
  }
  if (type === 'string') return 'sandbox';
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [inputFromSchema(s.items)];
  if (type === 'null') return null;
  return 'sandbox';
}

function toolUseId(seed: string): string {
  return `tooluse_${createHash('sha256').update(seed).digest('base64url').slice(0, 22)}`;
}

interface Tool {
  name: string;
  schema: unknown;
}

function offeredTools(toolConfig: Json | undefined): Tool[] {
  const tools = Array.isArray(toolConfig?.tools) ? (toolConfig!.tools as Json[]) : [];
  return tools.flatMap((t) => {
    const spec = t.toolSpec as Json | undefined;
    return spec && typeof spec.name === 'string' ? [{ name: spec.name, schema: (spec.inputSchema as Json | undefined)?.json }] : [];
  });
}

/** The tool a call goes to: the one toolChoice names, else the first offered. */
function chosenTool(tools: Tool[], toolConfig: Json | undefined): Tool | undefined {
  const named = ((toolConfig?.toolChoice as Json | undefined)?.tool as Json | undefined)?.name;
  return tools.find((t) => t.name === named) ?? tools[0];
}

/** Answers a Converse request for `model` (already validated). */
export function converseAnswer(model: CatalogModel, modelId: string, body: Json): Answer {
  const messages = body.messages as Json[];
  const system = Array.isArray(body.system) ? (body.system as Json[]) : [];
  const toolConfig = body.toolConfig as Json | undefined;
  const maxTokens = Number((body.inferenceConfig as Json | undefined)?.maxTokens ?? model.maxTokens ?? 4096);
  const last = messages[messages.length - 1]!;
  const lastContent = (last.content as Json[]) ?? [];
  const results = lastContent.map((b) => b.toolResult as Json | undefined).filter((r): r is Json => r !== undefined);
  const tools = offeredTools(toolConfig);
  const heading = `${RESPONDER_LABEL} ${model.name} (${modelId})`;
  const content: AnswerBlock[] = [];
  let stopReason: Answer['stopReason'] = 'end_turn';
  const tool = chosenTool(tools, toolConfig);
  if (tool && results.length === 0 && last.role === 'user') {
    content.push({ text: `${heading} calls the tool ${tool.name}.` });
    content.push({ toolUse: { toolUseId: toolUseId(`${modelId}\n${promptText(system, messages)}`), name: tool.name, input: inputFromSchema(tool.schema) } });
    stopReason = 'tool_use';
  } else if (results.length > 0) {
    const names = new Map<string, string>();
    for (const m of messages) for (const b of (m.content as Json[]) ?? []) if (b.toolUse) names.set(String((b.toolUse as Json).toolUseId), String((b.toolUse as Json).name));
    const described = results.map((r) => `${names.get(String(r.toolUseId)) ?? 'a tool'} (${String(r.toolUseId)}) returned "${truncate(((r.content as Json[]) ?? []).map(blockText).join(' '))}"`);
    content.push({ text: `${heading} received the tool result: ${described.join('; ')}.` });
  } else {
    content.push({ text: `${heading} received: "${truncate(messageText(last))}"` });
  }
  // A small maxTokens cuts the text, as a model stops at its budget.
  const first = content[0] as { text: string };
  if (stopReason === 'end_turn' && tokens(first.text) > maxTokens) {
    first.text = first.text.slice(0, maxTokens * 4);
    stopReason = 'max_tokens';
  }
  const outputText = content.map((b) => ('text' in b ? b.text : JSON.stringify(b.toolUse.input))).join('');
  const inputTokens = tokens(promptText(system, messages));
  const outputTokens = tokens(outputText);
  return { content, stopReason, usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, latencyMs: 20 + outputTokens };
}

/** A unit vector of `dimensions` numbers derived from the text's hash (the same text, the same vector). */
export function embeddingOf(text: string, dimensions: number, normalize = true): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}\n${text}`).digest();
    for (let i = 0; i + 1 < digest.length && raw.length < dimensions; i += 2) raw.push(digest.readUInt16BE(i) / 32767.5 - 1);
  }
  if (!normalize) return raw;
  const norm = Math.sqrt(raw.reduce((sum, x) => sum + x * x, 0)) || 1;
  return raw.map((x) => x / norm);
}
