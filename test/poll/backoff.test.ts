/**
 * The reconnect back-off of both pollers, by their defaults: against a listener that accepts each
 * connection and closes it at once, the time a poller waits before its next connection is read
 * from the TestClock (the one sleep pending that wakes that long after now), the clock is moved
 * on by exactly that, and the next connection must arrive. Claims: `cpppo enip poll` backs off
 * from the poll period, ×1.5, up to ten periods; the Modbus poller from 100 ms, doubling, to 5 s.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, TestClock } from "effect"
import * as net from "node:net"
import { makeModbusPoller } from "../../src/modbus/poller.js"
import { makeEnipPoller } from "../../src/poll/poller.js"
import { realWait, until } from "./wait.js"

interface Listener {
  readonly port: number
  readonly server: net.Server
  readonly accepted: () => number
  /** From now on, answer the first Modbus request of each connection (echoing it, as to a write) before closing. */
  readonly answerOnce: () => void
}

/** A listener on 127.0.0.1 that closes every connection at once, counting them. */
const closingListener = Effect.acquireRelease(
  Effect.async<Listener>((resume) => {
    let accepted = 0
    let answer = false
    const server = net.createServer((s) => {
      accepted++
      if (!answer) return void s.destroy()
      s.once("data", (request) => { s.end(request) })
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({
      port: (server.address() as net.AddressInfo).port, server, accepted: () => accepted, answerOnce: () => { answer = true }
    })))
  }),
  ({ server }) => Effect.async<void>((resume) => { server.close(() => resume(Effect.void)) })
)

/**
 * For each expected delay: the poller is waiting exactly that long (a pending sleep wakes then),
 * and moving the clock on by it brings the next connection.
 */
const expectBackoff = (accepted: () => number, delays: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    yield* until(() => accepted() >= 1, 5000, "the first connection")
    for (const [i, d] of delays.entries()) {
      const before = accepted()
      const t0 = Date.now()
      let pending: Array<number> = []
      for (;;) {
        const now = yield* TestClock.currentTimeMillis
        pending = Chunk.toArray(yield* TestClock.sleeps()).map((at) => at - now)
        if (pending.some((p) => Math.abs(p - d) < 0.01)) break
        if (Date.now() - t0 > 5000) expect.fail(`back-off ${i + 1}: expected a wait of ${d} ms, pending waits ${JSON.stringify(pending)}`)
        yield* realWait(5)
      }
      // Not sooner: a millisecond before it, no new connection.
      yield* TestClock.adjust(d - 1)
      yield* realWait(30)
      expect(accepted(), `back-off ${i + 1} (${d} ms) ended early`).toBe(before)
      yield* TestClock.adjust(1)
      yield* until(() => accepted() === before + 1, 5000, `the connection after back-off ${i + 1} (${d} ms)`)
    }
  })

describe("reconnect back-off", () => {
  it.scoped("cpppo enip poll: from the poll period (2 s), ×1.5 each time, up to ten periods (20 s)", () =>
    Effect.gen(function* () {
      const l = yield* closingListener
      yield* makeEnipPoller({ host: "127.0.0.1", port: l.port, tags: ["SCADA"], rate: 2, timeout: 60_000 })
      yield* expectBackoff(l.accepted, [2000, 3000, 4500, 6750, 10125, 15187.5, 20000, 20000])
    }), 60_000)

  it.scoped("the Modbus poller: from 100 ms, doubling, up to 5 s", () =>
    Effect.gen(function* () {
      const l = yield* closingListener
      const poller = yield* makeModbusPoller({ host: "127.0.0.1", port: l.port, rate: 3600, timeout: 60_000 })
      yield* poller.poll("40001")
      yield* expectBackoff(l.accepted, [100, 200, 400, 800, 1600, 3200, 5000, 5000])
    }), 60_000)

  it.scoped("the Modbus poller's back-off starts over after a connection the device answered on", () =>
    Effect.gen(function* () {
      const l = yield* closingListener
      const poller = yield* makeModbusPoller({ host: "127.0.0.1", port: l.port, rate: 3600, timeout: 60_000 })
      yield* poller.poll("40001")
      yield* expectBackoff(l.accepted, [100, 200, 400])
      l.answerOnce()
      // The next connection (after 800 ms) answers a write, then closes: the wait is 100 ms again.
      yield* expectBackoff(l.accepted, [800])
      const t0 = Date.now()
      while (Either.isLeft(yield* Effect.either(poller.write("40001", 5)))) {
        if (Date.now() - t0 > 5000) expect.fail("the write was never answered")
        yield* realWait(5)
      }
      yield* expectBackoff(l.accepted, [100])
    }), 60_000)
})
