/**
 * The `options` group through the API's `answer` (src/web/groups.ts, src/web/api.ts) when the
 * simulator runs signal generators, plays a history, both or neither: which items it lists, and
 * that a read or a command on `signals` or `replay` reaches that service (recording fakes) and
 * never the other, nor the delay.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import { ServerControl, ServerControlLive } from "../../src/server/control.js"
import { ConnectionRegistry, ConnectionRegistryLive } from "../../src/server/registry.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { answer } from "../../src/web/api.js"
import type { ApiServices } from "../../src/web/groups.js"
import { parseApiPath } from "../../src/web/request.js"
import { fakeReplay, fakeSignals } from "./playFakes.js"

const withServices = <A, E>(extra: Partial<Pick<ApiServices, "signals" | "replay">>, body: (s: ApiServices) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const s: ApiServices = { control: yield* ServerControl, registry: yield* ConnectionRegistry, tags: yield* TagStore, ...extra }
    return yield* body(s)
  }).pipe(Effect.provide(Layer.mergeAll(ServerControlLive(), ConnectionRegistryLive, TagStore.layer(["X=INT"]).pipe(Layer.orDie))), Effect.scoped)

const ask = (s: ApiServices, p: string) => Effect.map(answer(s, Either.getOrThrow(parseApiPath(p)), null), (a) => a.reply)

describe("options: signals and replay items", () => {
  it.effect("the items listed: delay always, signals and replay only when there are some", () => Effect.gen(function* () {
    const { g } = fakeSignals()
    const { r } = fakeReplay()
    const items = (extra: Partial<Pick<ApiServices, "signals" | "replay">>) =>
      withServices(extra, (s) => Effect.map(ask(s, "/api/options"), (reply) => Object.keys((reply.data as { options: object }).options)))
    expect(yield* items({})).toEqual(["delay"])
    expect(yield* items({ signals: g })).toEqual(["delay", "signals"])
    expect(yield* items({ replay: r })).toEqual(["delay", "replay"])
    expect(yield* items({ signals: g, replay: r })).toEqual(["delay", "signals", "replay"])
  }))

  it.effect("reads and commands reach the item named: replay's speed, signals' enabled; delay untouched", () => Effect.gen(function* () {
    const sig = fakeSignals()
    const rep = fakeReplay()
    yield* withServices({ signals: sig.g, replay: rep.r }, (s) => Effect.gen(function* () {
      const replay = yield* ask(s, "/api/options/replay")
      expect((replay.data as { options: Record<string, unknown> }).options).toEqual({ replay: expect.objectContaining({ speed: 1, loops: 2, files: ["a.hst"] }) })
      const signals = yield* ask(s, "/api/options/signals")
      expect((signals.data as { options: Record<string, unknown> }).options).toEqual({ signals: expect.objectContaining({ enabled: true, writes: 42 }) })
      expect((yield* ask(s, "/api/options/replay/speed=2")).command).toMatchObject({ success: true })
      expect((yield* ask(s, "/api/options/signals/enabled=false")).command).toMatchObject({ success: true, message: "signals paused: every generated value holds" })
      expect((yield* ask(s, "/api/options/replay/loops")).command).toMatchObject({ success: true, value: { replay: 2 } })
      expect(rep.calls).toEqual(["setSpeed 2"])
      expect(sig.calls).toEqual(["setEnabled false"])
      expect(s.control.unsafeState().delay.value).toBe(0)
    }))
  }))

  it.effect("without a replay (or signals), their items are unknown and nothing is called", () => Effect.gen(function* () {
    const sig = fakeSignals()
    yield* withServices({ signals: sig.g }, (s) => Effect.gen(function* () {
      expect((yield* ask(s, "/api/options/replay/speed=2")).command).toEqual({ success: false, message: 'nothing matches "replay" in options' })
      expect((yield* ask(s, "/api/options/replay")).data).toEqual({ options: {} })
    }))
    const rep = fakeReplay()
    yield* withServices({ replay: rep.r }, (s) => Effect.gen(function* () {
      expect((yield* ask(s, "/api/options/signals/enabled=false")).command).toEqual({ success: false, message: 'nothing matches "signals" in options' })
    }))
    expect(sig.calls).toEqual([])
    expect(rep.calls).toEqual([])
  }))
})
