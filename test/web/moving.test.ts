/**
 * The web API and the live page's snapshot with signal generators (`options/signals`): the item,
 * pausing and resuming, a refused resume, and the state the page renders its controls from.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ConnectionRegistry, ConnectionRegistryLive } from "../../src/server/registry.js"
import { ServerControl, ServerControlLive } from "../../src/server/control.js"
import { makeSignals } from "../../src/signals/engine.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { answer } from "../../src/web/api.js"
import { snapshot } from "../../src/web/live.js"
import { parseApiPath } from "../../src/web/request.js"
import { livePage } from "../../src/web/page.js"

const services = Layer.mergeAll(ServerControlLive(), ConnectionRegistryLive, TagStore.layer(["Level=REAL", "SCADA=INT[4]"]).pipe(Layer.orDie))

const setup = Effect.gen(function* () {
  const tags = yield* TagStore
  const signals = yield* makeSignals(tags, ["Level=counter(every=10ms)", "SCADA=counter(step=2, every=10ms)"], { periodMillis: 10 })
  const s = { control: yield* ServerControl, registry: yield* ConnectionRegistry, tags, signals }
  const get = (p: string) => {
    const path = parseApiPath(p)
    if (path._tag === "Left") return Effect.die(path.left)
    return answer(s, path.right, null)
  }
  return { s, get, tags, signals }
})

describe("options/signals", () => {
  it.live("lists the signals; enabled=false holds the values; a write is an override until resume", () =>
    Effect.gen(function* () {
      const { s, get, tags, signals } = yield* setup
      yield* Effect.sleep(100)
      const item = (yield* get("/api/options/signals")).reply.data.options!["signals"]
      expect(item).toMatchObject({ enabled: true, signals: ["Level = counter(every=10ms)", "SCADA[0-3] = counter(step=2, every=10ms)"], overridden: [] })
      const off = yield* get("/api/options/signals/enabled=false")
      expect(off.reply.command).toEqual({ success: true, message: "signals paused: every generated value holds" })
      const held = yield* tags.read("Level")
      yield* Effect.sleep(100)
      expect(yield* tags.read("Level")).toEqual(held)
      expect((yield* get("/api/options/signals/enabled=maybe")).status).toBe(400)
      yield* get("/api/options/signals/enabled=true")
      yield* get("/api/tags/SCADA/attribute[1]=-5")
      yield* Effect.sleep(100)
      expect(signals.overridden()).toEqual(["SCADA[1]"])
      expect((yield* tags.read("SCADA"))[1]).toBe(-5)
      // The page's snapshot carries what its controls show.
      const snap = yield* snapshot(s, false)
      expect(snap.signals).toMatchObject({ enabled: true, overridden: ["SCADA[1]"] })
      expect(snap.replay).toBeUndefined()
      expect(livePage()).toContain('id="signals-run"')
      expect((yield* get("/api/options/signals/resume=Nope")).status).toBe(400)
      const resumed = yield* get("/api/options/signals/resume=SCADA[1]")
      expect(resumed.reply.command).toEqual({ success: true, message: "signals.resume: 1 element generated again" })
      yield* Effect.sleep(100)
      expect((yield* tags.read("SCADA"))[1]).not.toBe(-5)
      // Delay's commands are not the signals' (nor the other way round).
      expect((yield* get("/api/options/delay/enabled=false")).status).toBe(400)
      expect((yield* get("/api/options/signals/value=1")).status).toBe(400)
    }).pipe(Effect.provide(services), Effect.scoped))
})
