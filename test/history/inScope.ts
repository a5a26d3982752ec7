/** Run `f` with a scope that is closed afterwards (its finalizers run), logs silenced: for Promise-style tests. */
import { Effect, Exit, Logger, LogLevel, Scope } from "effect"

export const inScope = <A>(f: (scope: Scope.CloseableScope) => Effect.Effect<A, unknown, never>): Promise<A> =>
  Effect.runPromise(Effect.gen(function* () {
    const scope = yield* Scope.make()
    return yield* Effect.ensuring(f(scope), Scope.close(scope, Exit.void))
  }).pipe(Logger.withMinimumLogLevel(LogLevel.None)))
