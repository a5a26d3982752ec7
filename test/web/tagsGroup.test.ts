/**
 * The `tags` group and the delay item through the API's `answer` (src/web/groups.ts): a
 * structure tag's declared members, a whole array read without an index, the `error` command's
 * CIP status range, a command the delay item does not have, and the server's disable command.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import { ServerControl, ServerControlLive } from "../../src/server/control.js"
import { ConnectionRegistry, ConnectionRegistryLive } from "../../src/server/registry.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { answer } from "../../src/web/api.js"
import type { ApiServices } from "../../src/web/groups.js"
import { parseApiPath } from "../../src/web/request.js"

const withServices = <A, E>(body: (s: ApiServices) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    return yield* body({ control: yield* ServerControl, registry: yield* ConnectionRegistry, tags: yield* TagStore })
  }).pipe(
    Effect.provide(Layer.mergeAll(ServerControlLive(), ConnectionRegistryLive,
      TagStore.layer(["M=Motor[2]", "SCADA=INT[3]", "X=DINT"], { udts: ["Motor{Speed:REAL,Faults:DINT[4]}"] }).pipe(Layer.orDie))),
    Effect.scoped)

const ask = (s: ApiServices, p: string) => Effect.map(answer(s, Either.getOrThrow(parseApiPath(p)), null), (a) => a.reply)
type Tags = { tags: Record<string, Record<string, unknown>> }

describe("tags group", () => {
  it.effect("a structure lists its declared members; other tags have no members field", () => withServices((s) => Effect.gen(function* () {
    const data = (yield* ask(s, "/api/tags")).data as Tags
    expect(data.tags["M"]!["members"]).toEqual(["Speed:REAL", "Faults:DINT[4]"])
    expect(data.tags["M"]!["type"]).toBe("Motor")
    expect("members" in data.tags["SCADA"]!).toBe(false)
    expect("members" in data.tags["X"]!).toBe(false)
    expect((yield* ask(s, "/api/tags/M/members")).command).toEqual({ success: true, message: "M.members == [\"Speed:REAL\",\"Faults:DINT[4]\"]", value: { M: ["Speed:REAL", "Faults:DINT[4]"] } })
  })))

  it.effect("attribute without an index: an array's every value, a scalar's one", () => withServices((s) => Effect.gen(function* () {
    yield* s.tags.write("SCADA", 0, [4, 5, 6])
    yield* s.tags.write("X", 0, [7])
    expect((yield* ask(s, "/api/tags/SCADA/attribute")).command).toMatchObject({ success: true, value: { SCADA: [4, 5, 6] } })
    expect((yield* ask(s, "/api/tags/X/attribute")).command).toMatchObject({ success: true, value: { X: 7 } })
  })))

  it.effect("error: a CIP status 0..255 (0 clears); anything else is refused and changes nothing", () => withServices((s) => Effect.gen(function* () {
    expect((yield* ask(s, "/api/tags/X/error=255")).command).toEqual({ success: true, message: "X.error = 255" })
    for (const bad of ["256", "-1", "1.5", "x"]) {
      expect((yield* ask(s, `/api/tags/X/error=${bad}`)).command, bad).toEqual({ success: false, message: `X.error: ${JSON.stringify(bad)} is not a CIP status 0..255 (0 restores)` })
    }
    expect(s.tags.find("X")!.error).toEqual({ status: 255 })
    expect((yield* ask(s, "/api/tags/X/error=0")).command).toEqual({ success: true, message: "X.error cleared" })
    expect(s.tags.find("X")!.error).toBeUndefined()
  })))

  it.effect("delay: a command of another options item (speed) is refused naming delay's own", () => withServices((s) => Effect.gen(function* () {
    expect((yield* ask(s, "/api/options/delay/speed=2")).command).toEqual({ success: false, message: "delay has no command speed (value, range)" })
    expect(s.control.unsafeState().delay.value).toBe(0)
  })))

  it.effect("server disable=true closes the port, =false listens again: each said and done", () => withServices((s) => Effect.gen(function* () {
    expect((yield* ask(s, "/api/server/control/disable=true")).command).toEqual({ success: true, message: "server disabled: port closed, sessions dropped" })
    expect(s.control.unsafeState().disabled).toBe(true)
    expect((yield* ask(s, "/api/server/control/disable=false")).command).toEqual({ success: true, message: "server enabled: listening again" })
    expect(s.control.unsafeState().disabled).toBe(false)
  })))
})
