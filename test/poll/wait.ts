/** Waiting in real time in the poller tests (live, or under TestClock: the wait never reads the Effect clock). */
import { Effect } from "effect"

/** A real-time pause (setTimeout), which a TestClock does not hold up. */
export const realWait = (ms: number) => Effect.promise(() => new Promise<void>((r) => setTimeout(r, ms)))

/** Wait (real time) until `check` holds, or fail after `ms`. */
export const until = (check: () => boolean, ms = 10_000, what = "condition") =>
  Effect.gen(function* () {
    const t0 = Date.now()
    while (!check()) {
      if (Date.now() - t0 > ms) return yield* Effect.die(new Error(`timed out waiting for ${what}`))
      yield* realWait(10)
    }
  })
