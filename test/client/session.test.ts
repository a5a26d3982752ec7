import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { EnipServer } from "../../src/server/server.js"
import { Either } from "effect"
import { fakeServerLayer, seen } from "./fakeEndpoint.js"
import { freePort } from "./freePort.js"

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const tags = () => ({ SCADA: { type: "INT" as const, values: Array(100).fill(0) }, R: { type: "REAL" as const, values: [1.5, 2.5] } })

describe("client session against the server (fake endpoint)", () => {
  for (const connected of [false, true]) {
    it.live(`${connected ? "connected" : "unconnected"}: write, read, pipelined and packed`, () =>
      Effect.gen(function* () {
        const { address } = yield* EnipServer
        const client = yield* Client.connect({ host: "127.0.0.1", port: address.port, connected })
        if (connected) expect(client.session.connection?.large).toBe(true)
        yield* client.write("SCADA[1-3]", [10, 20, 30])
        expect(yield* client.read("SCADA[0-4]")).toEqual([0, 10, 20, 30, 0])
        expect(yield* client.read("R[0-1]")).toEqual([1.5, 2.5])
        const many = Array.from({ length: 50 }, (_, i) => `SCADA[${i % 5}]`)
        const summary = yield* client.processAll(ops(...many), { depth: 8, multiple: true })
        expect(summary.failures).toBe(0)
        expect(summary.requests).toBeLessThan(10)
        expect(summary.transactions.map((r) => r.values?.[0])).toEqual(many.map((_, i) => [0, 10, 20, 30, 0][i % 5]))
        const streamed = yield* Stream.runCollect(client.process(ops("SCADA[2]", "Nope", "SCADA[3]"), { depth: 3 }))
        expect(Array.from(streamed).map((r) => [r.ok, r.status])).toEqual([[true, 0], [false, 5], [true, 0]])
      }).pipe(Effect.scoped, Effect.provide(fakeServerLayer(tags()))))
  }

  it.live("connected falls back to a plain Forward Open", () =>
    Effect.gen(function* () {
      const { address } = yield* EnipServer
      const client = yield* Client.connect({ host: "127.0.0.1", port: address.port, connected: true })
      expect(client.session.connection).toMatchObject({ large: false, size: 504 })
      expect(yield* client.read("SCADA[0]")).toEqual([0])
    }).pipe(Effect.scoped, Effect.provide(fakeServerLayer(tags(), { largeForwardOpen: false }))))

  it.live("release sends Forward Close, then UnregisterSession (the server ends the session)", () =>
    Effect.gen(function* () {
      const { address } = yield* EnipServer
      const before = { ...seen }
      yield* Effect.scoped(Effect.flatMap(Client.connect({ host: "127.0.0.1", port: address.port, connected: true }), (c) => c.read("SCADA[0]")))
      yield* Effect.sleep("100 millis")
      expect(seen.forwardOpen - before.forwardOpen).toBe(1)
      expect(seen.forwardClose - before.forwardClose).toBe(1)
      expect(seen.sessionsClosed - before.sessionsClosed).toBe(1)
    }).pipe(Effect.provide(fakeServerLayer(tags()))))

  it.live("connect failure is a typed error", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(freePort)
      const r = yield* Effect.either(Client.connect({ host: "127.0.0.1", port, timeout: "1 second" }))
      expect(Either.isLeft(r) && r.left.reason).toBe("Connect")
    }).pipe(Effect.scoped))
})
