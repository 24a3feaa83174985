/**
 * Amazon Bedrock in the sandbox. The control plane (`@aws-sdk/client-bedrock`) and the runtime
 * (`@aws-sdk/client-bedrock-runtime`) both sign as `bedrock` and share the endpoint, so requests
 * are told apart by method and path (REST-JSON, errors in `x-amzn-errortype` + `message`).
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { handleControl } from './control';
import { handleRuntime } from './runtime';

export { modelAccess, setModelAccess, MODEL_ACCESS_STATES, type ModelAccessState } from './access';

const RUNTIME_OPERATIONS: Record<string, string> = {
  converse: 'Converse',
  'converse-stream': 'ConverseStream',
  invoke: 'InvokeModel',
  'invoke-with-response-stream': 'InvokeModelWithResponseStream',
  'invoke-with-bidirectional-stream': 'InvokeModelWithBidirectionalStream',
  'count-tokens': 'CountTokens',
};

// The model id may be an ARN with a slash (sent as %2F, decoded by the server): take the last action segment.
const RUNTIME_PATH = /^\/model\/(.+)\/([a-z-]+)$/;

/** The operation and the identifier it names, from method and path. */
function parse(req: Pick<SandboxRequest, 'method' | 'path'>): { operation: string; identifier: string } {
  const runtime = RUNTIME_PATH.exec(req.path);
  if (req.method === 'POST' && runtime && RUNTIME_OPERATIONS[runtime[2]!]) return { operation: RUNTIME_OPERATIONS[runtime[2]!]!, identifier: runtime[1]! };
  if (req.method === 'GET') {
    if (req.path === '/foundation-models') return { operation: 'ListFoundationModels', identifier: '' };
    if (req.path.startsWith('/foundation-models/')) return { operation: 'GetFoundationModel', identifier: req.path.slice('/foundation-models/'.length) };
    if (req.path.startsWith('/foundation-model-availability/')) return { operation: 'GetFoundationModelAvailability', identifier: req.path.slice('/foundation-model-availability/'.length) };
    if (req.path === '/inference-profiles') return { operation: 'ListInferenceProfiles', identifier: '' };
    if (req.path.startsWith('/inference-profiles/')) return { operation: 'GetInferenceProfile', identifier: req.path.slice('/inference-profiles/'.length) };
  }
  return { operation: 'Unknown', identifier: '' };
}

/** The operation a request names, for request counts and fault knobs. */
export function bedrockOperationName(req: Pick<SandboxRequest, 'method' | 'path'>): string {
  return parse(req).operation;
}

export async function handleBedrock(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const { operation, identifier } = parse(req);
  if (operation === 'Unknown') fail('UnknownOperationException', `The Berth sandbox does not implement Bedrock's ${req.method} ${req.path} (it answers the foundation model and inference profile reads, Converse, ConverseStream and InvokeModel for embeddings).`, 404);
  if (Object.values(RUNTIME_OPERATIONS).includes(operation)) return handleRuntime(core, req, operation, identifier);
  return handleControl(core, req, operation, identifier);
}
