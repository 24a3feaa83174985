/**
 * Wait conditions, as CloudFormation runs them: a handle's Ref is a URL that takes signals
 * (`PUT` with an empty Content-Type and `{Status, UniqueId, Data, Reason}`), and the wait
 * condition stays CREATE_IN_PROGRESS — holding back whatever depends on it — until `Count`
 * SUCCESS signals with distinct UniqueIds arrive. A FAILURE signal or the timeout fails it
 * with CloudFormation's own words, and the stack rolls back.
 */
import type { SandboxCore } from '../../core';
import { fail } from '../../errors';
import { hex } from '../../ids';
import type { GenericResource } from '../../state';
import { recorded } from './recorded';
import { findGeneric, ResourceFailure, str, type ResourceProvider } from './types';

const HANDLE = 'AWS::CloudFormation::WaitConditionHandle';
const WAIT = 'AWS::CloudFormation::WaitCondition';
/** Where the sandbox serves handle URLs. */
export const SIGNAL_PATH = '/_sandbox/cfn-signal/';
const MAX_TIMEOUT_SECONDS = 43_200;

interface Signal {
  status: 'SUCCESS' | 'FAILURE';
  uniqueId: string;
  data: string;
  reason: string;
}

function signalsOf(handle: GenericResource): Signal[] {
  return (handle.attributes.Signals as Signal[] | undefined) ?? [];
}

function handleByUrl(core: SandboxCore, url: string): GenericResource | undefined {
  return [...core.state.resources.values()].find((r) => r.type === HANDLE && r.physicalId === url);
}

/** Takes one signal sent to a handle's URL; returns the HTTP status S3 would answer with. */
export function receiveSignal(core: SandboxCore, token: string, contentType: string | undefined, body: string): { status: number; message?: string } {
  const handle = [...core.state.resources.values()].find((r) => r.type === HANDLE && r.attributes.Token === token);
  if (!handle) return { status: 404, message: 'NoSuchKey: The specified key does not exist.' };
  // The URL is presigned without a Content-Type: sending one breaks the signature.
  if (contentType) return { status: 403, message: 'SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.' };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    parsed = {};
  }
  const status = parsed.Status;
  const uniqueId = parsed.UniqueId;
  if ((status !== 'SUCCESS' && status !== 'FAILURE') || typeof uniqueId !== 'string' || !uniqueId) {
    handle.attributes.Unparsable = true;
  } else {
    const signals = signalsOf(handle).filter((s) => s.uniqueId !== uniqueId);
    signals.push({ status, uniqueId, data: String(parsed.Data ?? ''), reason: String(parsed.Reason ?? '') });
    handle.attributes.Signals = signals;
  }
  core.changed();
  core.scheduler.signal();
  return { status: 200 };
}

const handleProvider = recorded({
  tagProperty: null,
  physicalId: (ctx) => `${ctx.core.endpoint}${SIGNAL_PATH}${hex(32)}`,
  arn: (ctx, id) => `arn:aws:cloudformation:${ctx.core.region}:${ctx.core.account}:stack/${ctx.stack.name}/wait-condition-handle/${id.slice(-32)}`,
  attributes: (_c, id) => ({ Token: id.slice(-32), Signals: [] }),
});

const waitProvider: ResourceProvider = {
  create(ctx, props) {
    const url = str(props, 'Handle');
    const timeout = Number(str(props, 'Timeout'));
    const count = props.Count === undefined ? 1 : Number(str(props, 'Count'));
    if (!url) fail('ValidationError', 'Property Handle cannot be empty.');
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) fail('ValidationError', `Timeout must be an integer between 1 and ${MAX_TIMEOUT_SECONDS} seconds.`);
    if (!Number.isInteger(count) || count < 1) fail('ValidationError', 'Count must be an integer of at least 1.');
    if (!handleByUrl(ctx.core, url)) fail('ValidationError', `WaitConditionHandle ${url} does not exist in this stack.`);
    return { physicalId: `${ctx.stack.id}/${ctx.logicalId}`, attributes: { Data: '{}', StartedAt: Date.now(), Url: url, Count: count, Timeout: timeout } };
  },
  async stabilize(ctx, resource) {
    const { Url: url, Count: count, Timeout: timeout, StartedAt: started } = resource.attributes as { Url: string; Count: number; Timeout: number; StartedAt: number };
    for (;;) {
      const handle = handleByUrl(ctx.core, url);
      if (!handle) throw new ResourceFailure('WaitCondition handle was deleted.');
      if (handle.attributes.Unparsable) throw new ResourceFailure('Unparsable WaitCondition data');
      const signals = signalsOf(handle);
      const failed = signals.find((s) => s.status === 'FAILURE');
      if (failed) throw new ResourceFailure(`WaitCondition received failed message: '${failed.reason}' for uniqueId: ${failed.uniqueId}`);
      const done = signals.filter((s) => s.status === 'SUCCESS');
      if (done.length >= count) {
        resource.attributes.Data = JSON.stringify(Object.fromEntries(done.map((s) => [s.uniqueId, s.data])));
        return;
      }
      const left = started + timeout * 1000 - Date.now();
      if (left <= 0) throw new ResourceFailure(`WaitCondition timed out. Received ${done.length} conditions when expecting ${count}`);
      await Promise.race([ctx.core.scheduler.nextSignal(), ctx.core.scheduler.sleep(Math.min(left, 1000))]);
    }
  },
  delete() {},
};

export const waitConditionProviders: Record<string, ResourceProvider> = {
  [HANDLE]: handleProvider,
  [WAIT]: waitProvider,
};

/** For tests and the inventory: the signals a handle got. */
export function handleSignals(core: SandboxCore, url: string): Signal[] {
  const handle = findGeneric(core, HANDLE, url);
  return handle ? signalsOf(handle) : [];
}
