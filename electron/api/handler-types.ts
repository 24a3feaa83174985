/** Handler typing: the handler map `satisfies Handlers`, so a missing method fails the type check. */
import type { MethodName, ParsedArgsOf, ResultOf } from '../../shared/contract';
import type { AppContext } from './context';

export type Handler<M extends MethodName> = (args: ParsedArgsOf<M>, ctx: AppContext) => Promise<ResultOf<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };
/** The handlers of one domain (`project:`, `secrets:` ...), defined in their own module. */
export type HandlersFor<P extends string> = { [M in MethodName as M extends `${P}:${string}` ? M : never]: Handler<M> };
