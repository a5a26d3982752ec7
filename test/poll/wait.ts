/** Waiting in real time in the live poller tests. */
import { Effect } from "effect"

/** Wait (real time) until `check` holds, or fail after `ms`. */
export const until = (check: () => boolean, ms = 10_000, what = "condition") =>
  Effect.gen(function* () {
    const t0 = Date.now()
    while (!check()) {
      if (Date.now() - t0 > ms) return yield* Effect.die(new Error(`timed out waiting for ${what}`))
      yield* Effect.sleep(10)
    }
  })
