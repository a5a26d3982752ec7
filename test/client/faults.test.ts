import { expect, layer } from "@effect/vitest"
import { Effect, Either, Stream } from "effect"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { EnipServer, ServerControl, SimulatorLive } from "../../src/server/simulator.js"
import { startProxy } from "../../src/testing/proxy.js"

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const reads = (n: number) => ops(...Array.from({ length: n }, (_, i) => `SCADA[${i}]`))

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["SCADA=INT[1000]"] }), { excludeTestServices: true })("faults", (it) => {
  const seed = Effect.gen(function* () {
    const { address } = yield* EnipServer
    const c = yield* Client.connect({ host: "127.0.0.1", port: address.port })
    const values = Array.from({ length: 100 }, (_, i) => i + 1000)
    yield* c.write("SCADA[0-99]", values)
    return address
  })

  for (const connected of [false, true]) {
    it.scoped(`replies reordered and late through a proxy still match their requests (${connected ? "connected" : "unconnected"})`, () =>
      Effect.gen(function* () {
        const address = yield* seed
        const proxy = yield* startProxy({ target: { host: "127.0.0.1", port: address.port }, reorder: { batch: 8, holdMs: 15 } })
        const c = yield* Client.connect({ host: "127.0.0.1", port: proxy.port, connected })
        const r = yield* c.processAll(reads(100), { depth: 8 })
        expect(r.failures).toBe(0)
        expect(r.transactions.map((t) => t.values![0])).toEqual(Array.from({ length: 100 }, (_, i) => i + 1000))
        expect(proxy.stats.reordered).toBeGreaterThan(50)
      }))
  }

  it.scoped("on a slow link (50 ms added to every reply) depth 8 keeps 8 requests in flight", () =>
    Effect.gen(function* () {
      const address = yield* seed
      const proxy = yield* startProxy({ target: { host: "127.0.0.1", port: address.port }, latency: "50 millis" })
      const c = yield* Client.connect({ host: "127.0.0.1", port: proxy.port })
      const started = Date.now()
      const r = yield* c.processAll(reads(40), { depth: 8 })
      const elapsed = Date.now() - started
      expect(r.failures).toBe(0)
      // 8 in flight needs about 5 round trips (≥ 250 ms); lock-step cannot take less than
      // 40 × 50 ms = 2 s, so anything under that proved requests overlapped.
      expect(elapsed).toBeGreaterThanOrEqual(250)
      expect(elapsed).toBeLessThan(2000)
    }))

  for (const connected of [false, true]) {
    it.scoped(`the server dropping the connection mid-pipeline fails what is pending, and nothing hangs (${connected ? "connected" : "unconnected"})`, () =>
      Effect.gen(function* () {
        const address = yield* seed
        const proxy = yield* startProxy({ target: { host: "127.0.0.1", port: address.port }, dropAfter: connected ? 22 : 21 }) // RegisterSession (and Forward Open) come first
        const c = yield* Client.connect({ host: "127.0.0.1", port: proxy.port, connected })
        const results = yield* Stream.runCollect(c.process(reads(100), { depth: 8 })).pipe(Effect.timeout("10 seconds"))
        const all = Array.from(results)
        expect(all.length).toBe(100)
        // 20 replies got through (in whatever order the proxy let them); the rest failed as Closed.
        expect(all.filter((r) => r.ok).length).toBe(20)
        expect(all.filter((r) => !r.ok).every((r) => r.error?.reason === "Closed")).toBe(true)
        for (const r of all) if (r.ok) expect(r.values).toEqual([1000 + r.index])
      }))
  }

  for (const connected of [false, true]) {
    it.scoped(`per-request timeouts count as failures; the session keeps working afterwards (${connected ? "connected" : "unconnected"})`, () =>
      Effect.gen(function* () {
        const address = yield* seed
        const control = yield* ServerControl
        const c = yield* Client.connect({ host: "127.0.0.1", port: address.port, timeout: "300 millis", connected })
        yield* control.setDelay(0.6)
        const slow = yield* c.processAll(reads(3), { depth: 3 }).pipe(Effect.ensuring(control.setDelay(0)))
        expect(slow.failures).toBe(3)
        expect(slow.transactions.map((t) => t.error?.reason)).toEqual(["Timeout", "Timeout", "Timeout"])
        yield* Effect.sleep("500 millis") // the late replies arrive and are ignored
        const again = yield* c.processAll(reads(3), { depth: 3 })
        expect(again.transactions.map((t) => t.values![0])).toEqual([1000, 1001, 1002])
      }))
  }
})
