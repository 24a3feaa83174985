/**
 * Model access in the account, as Bedrock has had it since the model-access page was retired:
 * serverless models are enabled; those sold through AWS Marketplace (Anthropic, Cohere) are
 * subscribed by the account's first call, which needs a caller allowed to subscribe. The knob
 * (`sandbox.setModelAccess`) puts a model in the states accounts meet; each shows in
 * GetFoundationModelAvailability and refuses runtime calls in AWS's words.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { RoleCaller } from '../iam/sessions';
import { deniedMessage, evaluateRole } from '../iam/policy';
import { MODELS, modelById, type CatalogModel } from './catalog';

/**
 * - `available`: the account may invoke it.
 * - `not-subscribed`: a Marketplace model no call has subscribed yet (the default for them); the
 *   first call subscribes when its caller may (`aws-marketplace:ViewSubscriptions` and `Subscribe`).
 * - `use-case-required`: Anthropic's first-time-use form was not submitted.
 * - `marketplace-denied`: the subscription cannot be made: the caller lacks the Marketplace actions.
 * - `payment-invalid`: the account has no valid payment method for the Marketplace subscription.
 * - `not-enabled`: the legacy state of a model not enabled on the model-access page.
 */
export type ModelAccessState = 'available' | 'not-subscribed' | 'use-case-required' | 'marketplace-denied' | 'payment-invalid' | 'not-enabled';

export const MODEL_ACCESS_STATES: readonly ModelAccessState[] = ['available', 'not-subscribed', 'use-case-required', 'marketplace-denied', 'payment-invalid', 'not-enabled'];

export const USE_CASE_MESSAGE = 'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model. If you have already filled out the form, try again in 15 minutes.';
export const MARKETPLACE_MESSAGE =
  'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon Bedrock documentation for further details. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 5 minutes.';
export const PAYMENT_REASON = 'INVALID_PAYMENT_INSTRUMENT:A valid payment instrument must be provided.';
export const PAYMENT_MESSAGE = `Model access is denied due to ${PAYMENT_REASON}. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.`;
export const NOT_ENABLED_MESSAGE = "You don't have access to the model with the specified model ID.";

const MARKETPLACE_ACTIONS = ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'];

/** What a new account sees: Marketplace models wait for their first call, the rest are enabled. */
function defaultState(model: CatalogModel): ModelAccessState {
  return model.marketplace ? 'not-subscribed' : 'available';
}

/** A model's access state in the account. */
export function accessState(core: SandboxCore, model: CatalogModel): ModelAccessState {
  return core.state.bedrock.access.get(model.id) ?? defaultState(model);
}

/** Sets states by model id (`null`: back to what a new account has); refuses unknown ids and impossible states. */
export function setModelAccess(core: SandboxCore, access: Record<string, ModelAccessState | null>): void {
  for (const [id, state] of Object.entries(access)) {
    const model = modelById(id);
    if (!model) throw new Error(`Bedrock has no model ${id} in the sandbox's catalog (electron/sandbox/bedrock/catalog.ts).`);
    if (state !== null && !MODEL_ACCESS_STATES.includes(state)) throw new Error(`"${String(state)}" is not a model access state: one of ${MODEL_ACCESS_STATES.join(', ')}.`);
    if (state === 'use-case-required' && model.provider !== 'Anthropic') throw new Error(`Only Anthropic's models ask for a use-case form; ${id} is ${model.provider}'s.`);
    if ((state === 'not-subscribed' || state === 'marketplace-denied' || state === 'payment-invalid') && !model.marketplace) throw new Error(`${id} is not sold through AWS Marketplace: it has no subscription to fail.`);
    if (state === null) core.state.bedrock.access.delete(id);
    else core.state.bedrock.access.set(id, state);
  }
  core.changed();
}

/** Every catalog model's access state. */
export function modelAccess(core: SandboxCore): Record<string, ModelAccessState> {
  return Object.fromEntries(MODELS.map((m) => [m.id, accessState(core, m)]));
}

/** GetFoundationModelAvailability's fields for a model in a region. */
export function availabilityOf(core: SandboxCore, model: CatalogModel, region: string) {
  const state = accessState(core, model);
  const agreement =
    state === 'marketplace-denied'
      ? { status: 'ERROR', errorMessage: MARKETPLACE_MESSAGE }
      : state === 'payment-invalid'
        ? { status: 'ERROR', errorMessage: PAYMENT_REASON }
        : state === 'available'
          ? { status: 'AVAILABLE' }
          : { status: 'NOT_AVAILABLE' };
  return {
    modelId: model.id,
    agreementAvailability: agreement,
    authorizationStatus: state === 'use-case-required' || state === 'not-enabled' ? 'NOT_AUTHORIZED' : 'AUTHORIZED',
    entitlementAvailability: state === 'available' ? 'AVAILABLE' : 'NOT_AVAILABLE',
    regionAvailability: model.regions[region] !== undefined ? 'AVAILABLE' : 'NOT_AVAILABLE',
  };
}

/**
 * Refuses a runtime call the account's access does not allow, in Bedrock's words; a first call to
 * a Marketplace model subscribes the account when the caller may subscribe.
 */
export function requireModelAccess(core: SandboxCore, model: CatalogModel, caller: RoleCaller | undefined): void {
  const state = accessState(core, model);
  if (state === 'available') return;
  if (state === 'use-case-required') fail('ResourceNotFoundException', USE_CASE_MESSAGE, 404);
  if (state === 'marketplace-denied') fail('AccessDeniedException', MARKETPLACE_MESSAGE, 403);
  if (state === 'payment-invalid') fail('AccessDeniedException', PAYMENT_MESSAGE, 403);
  if (state === 'not-enabled') fail('AccessDeniedException', NOT_ENABLED_MESSAGE, 403);
  // not-subscribed: the sandbox's own user may do anything; a role needs both Marketplace actions.
  if (caller) {
    for (const action of MARKETPLACE_ACTIONS) {
      const decision = evaluateRole(core, caller.roleArn, action, '*');
      if (decision !== 'allow') {
        fail('AccessDeniedException', `Model access is denied due to ${deniedMessage(caller.arn, action, '*', decision)}. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.`, 403);
      }
    }
  }
  core.state.bedrock.access.set(model.id, 'available');
  core.changed();
}
