/**
 * Bedrock Runtime: Converse, ConverseStream and InvokeModel (embeddings). Each call resolves its
 * model in the region, is authorised (a role session's inline policies), passes the account's
 * model access, is checked as Bedrock checks it, and is answered by the fixed local responder.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { parseJsonBody } from '../protocol/json';
import { requireModelAccess } from './access';
import { authorize } from './authorize';
import { json } from './control';
import { embed } from './embeddings';
import { resolveModel, type ResolvedModel } from './resolve';
import { converseAnswer } from './responder';
import { streamBody } from './stream';
import { validateConverse } from './validate';

const NOT_CHAT = "This action doesn't support the model that you provided. Try again with a supported text or chat model.";

/** The checks every runtime call passes before its body is read. */
function admit(core: SandboxCore, req: SandboxRequest, modelId: string, action: string): ResolvedModel {
  const resolved = resolveModel(core, req.region, modelId);
  authorize(core, req.caller, action, resolved.resources, resolved.context);
  return resolved;
}

function converse(core: SandboxCore, req: SandboxRequest, modelId: string, streaming: boolean): SandboxResponse {
  const resolved = admit(core, req, modelId, streaming ? 'bedrock:InvokeModelWithResponseStream' : 'bedrock:InvokeModel');
  const { model } = resolved;
  if (!model.output.includes('TEXT')) fail('ValidationException', NOT_CHAT);
  requireModelAccess(core, model, req.caller);
  const body = parseJsonBody(req.body);
  validateConverse(model, body, streaming);
  const answer = converseAnswer(model, modelId, body);
  if (streaming) return { status: 200, headers: { 'content-type': 'application/vnd.amazon.eventstream' }, body: streamBody(answer) };
  return json({
    output: { message: { role: 'assistant', content: answer.content } },
    stopReason: answer.stopReason,
    usage: answer.usage,
    metrics: { latencyMs: answer.latencyMs },
  });
}

function invokeModel(core: SandboxCore, req: SandboxRequest, modelId: string): SandboxResponse {
  const { model } = admit(core, req, modelId, 'bedrock:InvokeModel');
  if (!model.embedding) {
    // Each chat model has a native body of its own; the sandbox speaks only Converse for them.
    fail('ValidationException', `The Berth sandbox answers InvokeModel only for embedding models; call ${model.id} through Converse or ConverseStream (it does not model ${model.provider}'s native request body).`);
  }
  requireModelAccess(core, model, req.caller);
  const { body, inputTokens } = embed(model, req.body);
  return json(body, 200, { 'x-amzn-bedrock-input-token-count': String(inputTokens), 'x-amzn-bedrock-invocation-latency': String(10 + Math.ceil(inputTokens / 100)) });
}

/** Handles a runtime operation on `modelId` (already percent-decoded). */
export function handleRuntime(core: SandboxCore, req: SandboxRequest, operation: string, modelId: string): SandboxResponse {
  if (operation === 'Converse') return converse(core, req, modelId, false);
  if (operation === 'ConverseStream') return converse(core, req, modelId, true);
  if (operation === 'InvokeModel') return invokeModel(core, req, modelId);
  fail('ValidationException', `The Berth sandbox does not implement Bedrock's ${operation}: use Converse, ConverseStream, or InvokeModel for embeddings.`);
}
