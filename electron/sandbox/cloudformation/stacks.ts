/** Finding stacks by name or id, as CloudFormation does (deleted stacks only by id). */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { Stack } from '../state';

/** The live stack with this name, or the stack (even deleted) with this id. */
export function findStack(core: SandboxCore, nameOrId: string): Stack | undefined {
  if (nameOrId.startsWith('arn:')) return core.state.cloudformation.stacks.get(nameOrId);
  for (const stack of core.state.cloudformation.stacks.values()) if (stack.name === nameOrId && stack.status !== 'DELETE_COMPLETE') return stack;
  return undefined;
}

/** The stack, or `ValidationError: Stack with id X does not exist`. */
export function requireStack(core: SandboxCore, nameOrId: string): Stack {
  const stack = findStack(core, nameOrId);
  if (!stack) fail('ValidationError', `Stack with id ${nameOrId} does not exist`);
  return stack;
}

/** True while an operation runs on the stack. */
export function inProgress(stack: Stack): boolean {
  return stack.status.endsWith('_IN_PROGRESS');
}

/** Fails unless the stack is in a state that accepts an update. */
export function requireUpdatable(stack: Stack): void {
  const ok = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE'];
  if (!ok.includes(stack.status)) fail('ValidationError', `Stack:${stack.id} is in ${stack.status} state and can not be updated.`);
}
