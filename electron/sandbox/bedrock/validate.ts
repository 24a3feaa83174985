/**
 * Converse and ConverseStream request checks, in Bedrock's words: the conversation's shape (a
 * user message first, alternating roles, no empty content or blank text), tool blocks without a
 * toolConfig, tools for a model without tool use (or without it while streaming), a forced tool
 * choice for a model that cannot take one, a system prompt for a model without them, and the
 * inference parameters' bounds, including the model's maximum output tokens.
 */
import { fail } from '../errors';
import type { CatalogModel } from './catalog';

type Json = Record<string, unknown>;

function invalid(message: string): never {
  fail('ValidationException', message);
}

/** Smithy's own constraint message (`1 validation error detected: Value '0' at 'x' failed to satisfy constraint: ...`). */
function constraint(value: unknown, path: string, rule: string): never {
  const shown = value === null || value === undefined ? 'null' : `'${typeof value === 'object' ? JSON.stringify(value) : String(value)}'`;
  invalid(`1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${rule}`);
}

function checkRange(value: unknown, path: string, min: number, max?: number): void {
  if (value === undefined || value === null) return;
  const n = Number(value);
  if (n < min) constraint(value, path, `Member must have value greater than or equal to ${min}`);
  if (max !== undefined && n > max) constraint(value, path, `Member must have value less than or equal to ${max}`);
}

function checkMessages(messages: unknown): Json[] {
  if (!Array.isArray(messages) || messages.length === 0 || (messages[0] as Json)?.role !== 'user') {
    invalid('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  }
  const list = messages as Json[];
  list.forEach((m, i) => {
    if (m.role !== 'user' && m.role !== 'assistant') constraint(m.role, `messages.${i + 1}.member.role`, 'Member must satisfy enum value set: [user, assistant]');
    if (i > 0 && list[i - 1]!.role === m.role) invalid('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    const content = Array.isArray(m.content) ? (m.content as Json[]) : [];
    if (content.length === 0) invalid(`The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`);
    content.forEach((b, j) => {
      if (typeof b.text === 'string' && b.text.trim() === '') invalid(`The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`);
    });
  });
  return list;
}

function usesToolBlocks(messages: Json[]): boolean {
  return messages.some((m) => ((m.content as Json[]) ?? []).some((b) => b.toolUse !== undefined || b.toolResult !== undefined));
}

/** Checks a Converse body for `model`; `streaming` for ConverseStream. */
export function validateConverse(model: CatalogModel, body: Json, streaming: boolean): void {
  const messages = checkMessages(body.messages);
  if (model.noSystemPrompt && Array.isArray(body.system) && body.system.length > 0) {
    invalid("This model doesn't support system messages. Try again without a system message or use a model that supports system messages.");
  }
  const toolConfig = body.toolConfig as Json | undefined;
  if (usesToolBlocks(messages) && !toolConfig) invalid('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  if (toolConfig) {
    const tools = toolConfig.tools;
    if (!Array.isArray(tools) || tools.length === 0) constraint(tools ?? null, 'toolConfig.tools', 'Member must have length greater than or equal to 1');
    if (model.tools === 'no') invalid("This model doesn't support tool use.");
    if (model.tools === 'not-streaming' && streaming) invalid("This model doesn't support tool use in streaming mode.");
    const choice = Object.keys((toolConfig.toolChoice as Json | undefined) ?? {}).find((k) => k === 'any' || k === 'tool');
    if (choice && model.noToolChoice) invalid(`This model doesn't support the toolConfig.toolChoice.${choice} field. Remove toolConfig.toolChoice.${choice} and try again.`);
  }
  const config = (body.inferenceConfig ?? {}) as Json;
  checkRange(config.maxTokens, 'inferenceConfig.maxTokens', 1);
  checkRange(config.temperature, 'inferenceConfig.temperature', 0, 1);
  checkRange(config.topP, 'inferenceConfig.topP', 0, 1);
  const limit = model.maxTokens;
  if (limit !== undefined && config.maxTokens !== undefined && Number(config.maxTokens) > limit) {
    invalid(`The maximum tokens you requested exceeds the model limit of ${limit}. Try again with a maximum tokens value that is lower than ${limit}.`);
  }
}
