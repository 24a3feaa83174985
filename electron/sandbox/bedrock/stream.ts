/**
 * ConverseStream's answer in AWS's event-stream framing (`application/vnd.amazon.eventstream`):
 * messageStart, text deltas, a toolUse block's start / input delta / stop, messageStop and
 * metadata, each a binary message the SDK's ConverseStream iterator reads.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { Answer } from './responder';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

/** One event message: `:event-type` names the union member, the body is its JSON. */
function event(type: string, body: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: new Uint8Array(Buffer.from(JSON.stringify(body), 'utf8')),
  });
}

/** Text in a few deltas, split at word boundaries (a model streams in pieces, never one block). */
function pieces(text: string): string[] {
  const words = text.split(/(?<=\s)/);
  const size = Math.max(1, Math.ceil(words.length / 4));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

/** The whole stream of events for an answer, as one body. */
export function streamBody(answer: Answer): Buffer {
  const frames: Uint8Array[] = [event('messageStart', { role: 'assistant' })];
  answer.content.forEach((block, index) => {
    if ('text' in block) {
      for (const text of pieces(block.text)) frames.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { text } }));
    } else {
      frames.push(event('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: block.toolUse.toolUseId, name: block.toolUse.name } } }));
      frames.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: JSON.stringify(block.toolUse.input) } } }));
    }
    frames.push(event('contentBlockStop', { contentBlockIndex: index }));
  });
  frames.push(event('messageStop', { stopReason: answer.stopReason }));
  frames.push(event('metadata', { usage: answer.usage, metrics: { latencyMs: answer.latencyMs } }));
  return Buffer.concat(frames);
}
