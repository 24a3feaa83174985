/** Interim marker for methods whose engine has not landed yet. */
import { raise } from '../../shared/result';

export function notYet(method: string): never {
  raise('INTERNAL', `${method} is not available in this build yet.`);
}
