import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { CipEndpoint } from "../../src/server/encapsulation.js"
import { Endpoint } from "../../src/server/server.js"
import { Controller } from "../../src/device/controller.js"
import { TagStore } from "../../src/tags/tagStore.js"

describe("Controller as the server's Endpoint", () => {
  it.effect("satisfies CipEndpoint structurally and can be provided as the Endpoint layer", () => Effect.gen(function* () {
    const EndpointLive = Layer.effect(Endpoint, Controller).pipe(
      Layer.provide(Controller.layer({ identity: { productName: "Test PLC" } })),
      Layer.provide(TagStore.layer(["SCADA=INT[10]"]))
    )
    const endpoint: CipEndpoint = yield* Endpoint.pipe(Effect.provide(EndpointLive))
    expect(endpoint.identity("127.0.0.1", 44818).productName).toBe("Test PLC")
    const r = endpoint.handle({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "SCADA" }], elements: 10 }, { session: 5, maxReply: 504 })
    expect(r).toMatchObject({ _tag: "ReadTag", status: 0 })
    expect(endpoint.lookupConnection(1234)).toBeUndefined()
    endpoint.closeSession(5)
  }))
})
