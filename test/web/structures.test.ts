/**
 * The web API on structures and BOOL arrays: a structure tag shows its members (as declared) and
 * its values by member; an element reads as an object; a write names the members it changes (JSON)
 * and is checked before anything changes; a BOOL array reads and writes by BOOL.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, type Layer, type Scope } from "effect"
import { TagStore } from "../../src/tags/tagStore.js"
import { api, commandOf, webEnv } from "./fixture.js"

const UDTS = ["Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}"]
const env = () => webEnv({}, ["M=Motor[3]", "P=Motor", "BOOLS=BOOL[40]"], UDTS)
type Env = Layer.Layer.Success<ReturnType<typeof env>> | Scope.Scope
const live = <A, E>(name: string, body: () => Effect.Effect<A, E, Env>) =>
  it.live(name, () => body().pipe(Effect.provide(env()), Effect.scoped))

describe("web API: structures", () => {
  live("a structure tag shows its type, members and values by member", () => Effect.gen(function* () {
    const store = yield* TagStore
    yield* store.write("P", 0, [{ Speed: 1.5, Running: true, Faults: [1, 2, 3, 4], Name: "pump" }])
    const { reply } = yield* api("/api/tags")
    expect(reply.data.tags!["P"]).toEqual({
      attribute: 'P              Motor == {Speed: 1.5, Running: true, Faults: [1, 2, 3, 4], Name: "pump"}',
      error: 0, path: "P", type: "Motor", count: 1, members: ["Speed:REAL", "Running:BOOL", "Faults:DINT[4]", "Name:STRING"]
    })
    expect(reply.data.tags!["BOOLS"]).toMatchObject({ type: "BOOL", count: 64 })
    const el = yield* api("/api/tags/M/attribute[1]")
    expect(commandOf(el.reply).value).toEqual({ M: { Speed: 0, Running: false, Faults: [0, 0, 0, 0], Name: "" } })
  }))

  live("writes name the members they change; a bad member or value changes nothing", () => Effect.gen(function* () {
    const store = yield* TagStore
    const ok = yield* api(`/api/tags/M/attribute[2]=${encodeURIComponent(JSON.stringify({ Speed: 2.5, Faults: [9, 9] }))}`)
    expect(commandOf(ok.reply)).toMatchObject({ success: true, message: "M.attribute[2] <= [{Speed: 2.5, Faults: [9, 9]}]" })
    expect((yield* store.read("M", 2, 1))[0]).toEqual({ Speed: 2.5, Running: false, Faults: [9, 9, 0, 0], Name: "" })
    for (const bad of [{ Nope: 1 }, { Speed: "fast" }, { Faults: [1, 2, 3, 4, 5] }, { Running: 3 }]) {
      const r = yield* api(`/api/tags/M/attribute[2]=${encodeURIComponent(JSON.stringify(bad))}`)
      expect([r.status, commandOf(r.reply).success]).toEqual([400, false])
    }
    const notJson = yield* api("/api/tags/M/attribute[2]=fast")
    expect(commandOf(notJson.reply).message).toMatch(/is not a Motor \(give JSON/)
    expect((yield* store.read("M", 2, 1))[0]).toEqual({ Speed: 2.5, Running: false, Faults: [9, 9, 0, 0], Name: "" })
  }))

  live("a BOOL array reads and writes by BOOL (stored 32 to a DWORD)", () => Effect.gen(function* () {
    const store = yield* TagStore
    const w = yield* api("/api/tags/BOOLS/attribute[37]=1")
    expect(commandOf(w.reply).success).toBe(true)
    expect(yield* store.read("BOOLS", 36, 3)).toEqual([false, true, false])
    const r = yield* api("/api/tags/BOOLS/attribute[36-38]")
    expect(commandOf(r.reply).value).toEqual({ BOOLS: [false, true, false] })
  }))
})
