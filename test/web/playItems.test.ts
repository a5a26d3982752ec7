/**
 * `options/signals` and `options/replay` (src/web/playItems.ts) against recording fakes of the
 * signal engine and the replay: each read's value, each command's exact message or refusal, and
 * the call it makes on the service (or none, when refused).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { type ItemStep, planReplay, planSignals, replayItem, signalsItem } from "../../src/web/playItems.js"
import { fakeReplay, fakeSignals, T0 } from "./playFakes.js"

/** Run a planned step: a read's value, or a write's message (Left: the refusal or the failure). */
const run = (step: Either.Either<ItemStep, string>) =>
  Either.match(step, {
    onLeft: (e) => Effect.succeed({ refused: e } as const),
    onRight: (s) => s._tag === "Read"
      ? Effect.map(s.value, (value) => ({ read: value } as const))
      : Effect.map(Effect.either(s.run), (m) => Either.isRight(m) ? { wrote: m.right } as const : { failed: m.left } as const)
  })

describe("options/signals", () => {
  it.effect("the item and its fields", () => Effect.gen(function* () {
    const { g } = fakeSignals()
    expect(signalsItem(g)).toEqual({ enabled: true, time: 12.346, signals: ["SCADA[0-9] = sin(t)", "Level = t * 2"], overridden: ["SCADA[3]", "Level"], writes: 42 })
    expect(yield* run(planSignals(g, "time", undefined))).toEqual({ read: 12.346 })
    expect(yield* run(planSignals(g, "writes", undefined))).toEqual({ read: 42 })
    expect(yield* run(planSignals(g, "resume", undefined))).toEqual({ read: ["SCADA[3]", "Level"] })
    expect(yield* run(planSignals(g, "colour", undefined))).toEqual({ refused: "signals has no field colour (enabled, time, signals, overridden, resume, writes)" })
  }))

  it.effect("enabled=false pauses, =yes runs; a non-boolean is refused and nothing is called", () => Effect.gen(function* () {
    const { g, calls } = fakeSignals()
    expect(yield* run(planSignals(g, "enabled", "false"))).toEqual({ wrote: "signals paused: every generated value holds" })
    expect(g.enabled()).toBe(false)
    expect(yield* run(planSignals(g, "enabled", "yes"))).toEqual({ wrote: "signals running" })
    expect(yield* run(planSignals(g, "enabled", "maybe"))).toEqual({ refused: 'signals.enabled: "maybe" is not a boolean (true/yes/false/no or a number)' })
    expect(calls).toEqual(["setEnabled false", "setEnabled true"])
  }))

  it.effect("resume: all (empty, *, all, true, yes), a target, a tag of a target, an element; unknown names refused", () => Effect.gen(function* () {
    const { g, calls } = fakeSignals()
    for (const all of ["", " * ", "ALL", "true", "Yes"]) expect(yield* run(planSignals(g, "resume", all)), all).toEqual({ wrote: "signals.resume: 2 elements generated again" })
    expect(yield* run(planSignals(g, "resume", "Level"))).toEqual({ wrote: "signals.resume: 1 element generated again" })
    expect(yield* run(planSignals(g, "resume", "scada"))).toEqual({ wrote: "signals.resume: nothing was overridden" })
    expect(yield* run(planSignals(g, "resume", "SCADA[ 3 ]"))).toEqual({ wrote: "signals.resume: nothing was overridden" })
    expect(yield* run(planSignals(g, "resume", "SCADA[0-9]"))).toEqual({ wrote: "signals.resume: nothing was overridden" })
    expect(calls).toEqual(["resume *", "resume *", "resume *", "resume *", "resume *", "resume Level", "resume scada", "resume SCADA[ 3 ]", "resume SCADA[0-9]"])
    // Spaces inside a name are dropped before matching: "Le vel" names Level.
    expect(yield* run(planSignals(g, "resume", "Le vel"))).toEqual({ wrote: "signals.resume: nothing was overridden" })
    calls.pop()
    for (const bad of ["Nope", "SCAD", "Lev[1]", "xSCADA", "xall", "allx", "yesterday"]) {
      expect(yield* run(planSignals(g, "resume", bad)), bad).toEqual({ refused: `signals.resume: no signal generates ${JSON.stringify(bad)} (all, or one of SCADA[0-9], Level)` })
    }
    expect(calls.length).toBe(9)
    expect(yield* run(planSignals(g, "time", "1"))).toEqual({ refused: "signals has no command time (enabled, resume)" })
  }))
})

describe("options/replay", () => {
  it.effect("the item and its fields", () => Effect.gen(function* () {
    const { r } = fakeReplay()
    expect(yield* replayItem(r)).toEqual({
      position: T0.plus(1.23456).toString(), offset: 1.235, speed: 1, paused: false, loop: true, begin: T0.toString(), end: T0.plus(60).toString(),
      finished: false, applied: 7, skipped: 1, loops: 2, files: ["a.hst"]
    })
    expect(yield* run(planReplay(r, "loops", undefined))).toEqual({ read: 2 })
    expect(yield* run(planReplay(r, "files", undefined))).toEqual({ read: ["a.hst"] })
    expect(yield* run(planReplay(r, "colour", undefined))).toEqual({
      refused: "replay has no field colour (position, offset, speed, paused, loop, begin, end, finished, applied, skipped, loops, files)"
    })
  }))

  it.effect("paused, speed, seek: messages, the calls made, refusals that call nothing", () => Effect.gen(function* () {
    const { r, calls } = fakeReplay()
    expect(yield* run(planReplay(r, "paused", "1"))).toEqual({ wrote: "replay paused" })
    expect(yield* run(planReplay(r, "paused", "no"))).toEqual({ wrote: "replay playing" })
    expect(yield* run(planReplay(r, "paused", "maybe"))).toEqual({ refused: 'replay.paused: "maybe" is not a boolean (true/yes/false/no or a number)' })
    expect(yield* run(planReplay(r, "speed", "2.5"))).toEqual({ wrote: "replay.speed = 2.5" })
    for (const bad of ["0", "-1", "x", "Infinity"]) {
      expect(yield* run(planReplay(r, "speed", bad)), bad).toEqual({ refused: `replay.speed: ${JSON.stringify(bad)} is not a number above 0` })
    }
    expect(yield* run(planReplay(r, "seek", "10"))).toEqual({ wrote: `replay.seek: at ${T0.plus(10).toString()}` })
    expect(yield* run(planReplay(r, "seek", "+5"))).toEqual({ wrote: `replay.seek: at ${T0.plus(15).toString()}` })
    expect(yield* run(planReplay(r, "seek", "60"))).toEqual({ wrote: `replay.seek: at ${T0.plus(60).toString()}` })
    expect(yield* run(planReplay(r, "seek", "0"))).toEqual({ wrote: `replay.seek: at ${T0.toString()}` })
    const outside = `is outside the replay, ${T0.toString()} to ${T0.plus(60).toString()}`
    expect(yield* run(planReplay(r, "seek", "61"))).toEqual({ failed: `replay.seek: ${T0.plus(61).toString()} ${outside}` })
    expect(yield* run(planReplay(r, "seek", "-1"))).toEqual({ failed: `replay.seek: ${T0.minus(1).toString()} ${outside}` })
    expect((yield* run(planReplay(r, "seek", "bogus time"))) as { refused?: string }).toMatchObject({ refused: expect.stringMatching(/^replay\.seek: /) })
    expect(yield* run(planReplay(r, "loop", "1"))).toEqual({ refused: "replay has no command loop (paused, speed, seek)" })
    expect(calls).toEqual(["setPaused true", "setPaused false", "setSpeed 2.5", `seek ${T0.plus(10).toString()}`, `seek ${T0.plus(15).toString()}`, `seek ${T0.plus(60).toString()}`, `seek ${T0.toString()}`])
  }))
})
