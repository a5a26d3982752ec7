import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Client } from "../../src/client/client.js"
import { EnipServer, SimulatorLive } from "../../src/server/simulator.js"

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["T=DINT"], simple: true }), { excludeTestServices: true })("a simple (non-routing) device", (it) => {
  it.scoped("-S sends requests without Unconnected Send; a routed request is refused with a status", () =>
    Effect.gen(function* () {
      const { address } = yield* EnipServer
      const simple = yield* Client.connect({ host: "127.0.0.1", port: address.port, simple: true })
      yield* simple.write("T", [7])
      expect(yield* simple.read("T")).toEqual([7])
      const routed = yield* Client.connect({ host: "127.0.0.1", port: address.port })
      const r = yield* routed.processAll([{ method: "read", target: { _tag: "Symbolic", names: [{ name: "T" }] } }])
      expect(r.failures).toBe(1)
      expect(r.transactions[0]!.status).toBeGreaterThan(0)
      expect(r.transactions[0]!.error).toBeUndefined() // a CIP status, not a transport failure
    }))
})

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["T=DINT"], routePath: [{ _tag: "Port", port: 1, link: 3 }] }), { excludeTestServices: true })("a route path", (it) => {
  it.scoped("the client's route path is the one the device expects", () =>
    Effect.gen(function* () {
      const { address } = yield* EnipServer
      const right = yield* Client.connect({ host: "127.0.0.1", port: address.port, routePath: [{ _tag: "Port", port: 1, link: 3 }] })
      expect(yield* right.read("T")).toEqual([0])
      const connected = yield* Client.connect({ host: "127.0.0.1", port: address.port, routePath: [{ _tag: "Port", port: 1, link: 3 }], connected: true })
      expect(yield* connected.read("T")).toEqual([0])
      const wrong = yield* Client.connect({ host: "127.0.0.1", port: address.port })
      const r = yield* Effect.either(wrong.read("T"))
      expect(r._tag).toBe("Left")
    }))
})
