import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, TestClock } from "effect"
import { GENERATORS, makeSignals, seededRandom, type SignalsService } from "../../src/signals/index.js"
import { makeTagStore, type TagStoreService } from "../../src/tags/tagStore.js"

/** A store and an engine at signal time 0 (the first tick has run). */
// Each TestClock wake-up costs milliseconds of real time, so the tick period is as long as each test allows.
const setup = (tags: ReadonlyArray<string>, signals: ReadonlyArray<string>, periodMillis = 1000) =>
  Effect.gen(function* () {
    const store = yield* makeTagStore(tags)
    const engine = yield* makeSignals(store, signals, { periodMillis, seed: 42 })
    yield* TestClock.adjust(0)
    return { store, engine }
  })

/** Values of a tag at each signal time (seconds, increasing). */
const at = (s: { store: TagStoreService; engine: SignalsService }, tag: string, times: ReadonlyArray<number>, start = 0, count = 1) =>
  Effect.gen(function* () {
    const out: Array<unknown> = []
    for (const t of times) {
      const now = Math.round(s.engine.time() * 1000)
      yield* TestClock.adjust(Math.round(t * 1000) - now)
      expect(s.engine.time()).toBeCloseTo(t, 9)
      const v = yield* s.store.read(tag, start, count)
      out.push(count === 1 ? v[0] : v)
    }
    return out
  })

const close = (got: ReadonlyArray<unknown>, want: ReadonlyArray<number>, digits = 4) =>
  got.forEach((g, i) => expect(g as number).toBeCloseTo(want[i]!, digits))

describe("signal generators under TestClock", () => {
  it.scoped("sine(amplitude=40, offset=50, period=60s)", () =>
    Effect.gen(function* () {
      const s = yield* setup(["Level=REAL"], ["Level=sine(amplitude=40, offset=50, period=60s)"], 5000)
      close(yield* at(s, "Level", [0, 15, 30, 45, 60, 65]), [50, 90, 50, 10, 50, 50 + 40 * Math.sin(Math.PI / 6)])
    }))

  it.scoped("sine by min/max and phase", () =>
    Effect.gen(function* () {
      const s = yield* setup(["X=LREAL"], ["X=sine(min=0, max=10, period=4s, phase=0.25)"])
      close(yield* at(s, "X", [0, 1, 2, 3]), [10, 5, 0, 5], 9)
    }))

  // Few ticks each (every TestClock tick costs real time): each wave's rise, peak, fall and wrap,
  // the square's duty edge between two ticks. generators.test.ts has the finer shapes.
  it.scoped("sawtooth, triangle and square (duty)", () =>
    Effect.gen(function* () {
      const saw = yield* setup(["Saw=REAL"], ["Saw=sawtooth(amplitude=10, period=4s)"])
      close(yield* at(saw, "Saw", [0, 1, 2, 3, 4, 5]), [-10, -5, 0, 5, -10, -5])
      const tri = yield* setup(["Tri=REAL"], ["Tri=triangle(amplitude=10, offset=5, period=4s)"])
      expect(yield* at(tri, "Tri", [0, 1, 2, 3, 4])).toEqual([-5, 5, 15, 5, -5])
      const sq = yield* setup(["Sq=DINT"], ["Sq=square(amplitude=1, offset=1, period=10s, duty=0.3)"])
      expect(yield* at(sq, "Sq", [0, 2, 3, 9, 10])).toEqual([2, 2, 0, 0, 2])
    }))

  it.scoped("ramp: a rate from a start, after a delay, held at max", () =>
    Effect.gen(function* () {
      const s = yield* setup(["Tank=DINT"], ["Tank=ramp(rate=2, start=10, max=20, delay=1s)"])
      expect(yield* at(s, "Tank", [0, 1, 2, 5, 6, 7, 9])).toEqual([10, 10, 12, 18, 20, 20, 20])
    }))

  it.scoped("counter(step, every) wraps past max; sequence of numbers and of strings", () =>
    Effect.gen(function* () {
      const s = yield* setup(["C=INT", "Seq=DINT", "Mode=STRING"], [
        "C=counter(step=5, every=2s, start=100, max=120)", "Seq=sequence(3, 1, 4, every=1s)", "Mode=sequence(\"RUN\", \"STOP\", every=5s)"
      ])
      expect(yield* at(s, "C", [0, 1, 2, 8, 9, 10, 12])).toEqual([100, 100, 105, 120, 120, 100, 105])
      expect(yield* at(s, "Seq", [12, 13, 14, 15])).toEqual([3, 1, 4, 3])
      expect(yield* at(s, "Mode", [15, 20, 25])).toEqual(["STOP", "RUN", "STOP"])
    }))

  it.scoped("random_walk(step, min, max): within bounds, at most one step a period, the same walk for a seed", () =>
    Effect.gen(function* () {
      const walk = (seed: number) => Effect.gen(function* () {
        const s = yield* setup(["W=LREAL"], [`W=random_walk(step=2, min=0, max=10, seed=${seed})`], 500)
        return (yield* at(s, "W", Array.from({ length: 24 }, (_, i) => i * 0.5))) as Array<number>
      }).pipe(Effect.scoped)
      const a = yield* walk(7)
      expect(a[0]).toBe(5)
      for (let i = 1; i < a.length; i++) {
        expect(a[i]).toBeGreaterThanOrEqual(0)
        expect(a[i]).toBeLessThanOrEqual(10)
        expect(Math.abs(a[i]! - a[i - 1]!)).toBeLessThanOrEqual(2 + 1e-9)
      }
      expect(new Set(a.slice(1).filter((_, i) => i % 2 === 0)).size).toBeGreaterThan(6) // it moves every second
      for (let i = 1; i < a.length; i += 2) expect(a[i]).toBe(a[i - 1]) // … and only every second
      expect(yield* walk(7)).toEqual(a)
      expect(yield* walk(8)).not.toEqual(a)
    }))

  it.scoped("noise(mean, sd): a new draw each tick, the same draws for a seed", () =>
    Effect.gen(function* () {
      const draws = (spec: string) => Effect.gen(function* () {
        const s = yield* setup(["N=LREAL"], [spec])
        return (yield* at(s, "N", Array.from({ length: 20 }, (_, i) => i))) as Array<number>
      }).pipe(Effect.scoped)
      const xs = yield* draws("N=noise(mean=100, sd=2, seed=3)")
      expect(new Set(xs).size).toBe(xs.length)
      for (const x of xs) expect(Math.abs(x - 100)).toBeLessThan(2 * 6)
      expect(yield* draws("N=noise(mean=100, sd=2, seed=3)")).toEqual(xs)
      expect(yield* draws("N=noise(mean=100, sd=2, seed=4)")).not.toEqual(xs)
    }))

  it("noise and random_walk: their statistics over many draws", () => {
    const at = { copy: 0, copies: 1, random: seededRandom(99) }
    const noise = Either.getOrThrow(GENERATORS.get("noise")!.make({ mean: 100, sd: 2, seed: NaN }, [], at))
    const xs = Array.from({ length: 20_000 }, (_, i) => noise(i) as number)
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
    expect(Math.abs(mean - 100)).toBeLessThan(0.1) // > 6 standard errors
    expect(Math.abs(sd - 2)).toBeLessThan(0.06)
    expect(xs.filter((x) => Math.abs(x - 100) < 2).length / xs.length).toBeCloseTo(0.6827, 1)
    const walk = Either.getOrThrow(GENERATORS.get("random_walk")!.make({ step: 1, min: -5, max: 5, start: NaN, every: 1, seed: NaN }, [], at))
    const ws = Array.from({ length: 20_000 }, (_, i) => walk(i) as number)
    expect(Math.min(...ws)).toBeGreaterThanOrEqual(-5)
    expect(Math.max(...ws)).toBeLessThanOrEqual(5)
    expect(Math.min(...ws)).toBeLessThan(-4) // it reaches both edges and is reflected
    expect(Math.max(...ws)).toBeGreaterThan(4)
  })

  it.scoped("array elements get phase-shifted copies; counters shifted by a step each", () =>
    Effect.gen(function* () {
      const s = yield* setup(["SCADA=INT[10]", "Counts=DINT[3]"], ["SCADA[0-3]=sine(amplitude=100, period=4s)", "Counts=counter(every=1s)"], 1000)
      expect(yield* s.store.read("SCADA", 0, 5)).toEqual([0, 100, 0, -100, 0])
      expect(yield* s.store.read("Counts")).toEqual([0, 1, 2])
      yield* TestClock.adjust("1 second")
      expect(yield* s.store.read("SCADA", 0, 4)).toEqual([100, 0, -100, 0])
      expect(yield* s.store.read("Counts")).toEqual([1, 2, 3])
    }))

  it.scoped("expressions read this tick's values of the tags they name", () =>
    Effect.gen(function* () {
      const s = yield* setup(["Level=REAL", "Flow=REAL", "High=BOOL", "Text=STRING", "Setpoint=INT"], [
        "Flow = Level * 0.3 + Setpoint",
        "Level=sine(amplitude=40, offset=50, period=60s)",
        "High = Level > 80 && Flow > 0",
        "Text = Level > 80 ? \"HIGH\" : \"OK\""
      ], 5000)
      yield* s.store.write("Setpoint", 0, [2])
      close(yield* at(s, "Flow", [15]), [90 * 0.3 + 2])
      expect(yield* s.store.read("High")).toEqual([true])
      expect(yield* s.store.read("Text")).toEqual(["HIGH"])
      yield* TestClock.adjust("15 seconds")
      expect(yield* s.store.read("High")).toEqual([false])
    }))

  it.scoped("values are held in the tag's type: integers rounded and kept in range, NaN not written", () =>
    Effect.gen(function* () {
      const s = yield* setup(["S=SINT", "U=USINT", "Bad=DINT"], ["S=ramp(rate=100)", "U=-5.6", "Bad=sqrt(-1)"], 500)
      expect(yield* s.store.read("U")).toEqual([0])
      expect(yield* at(s, "S", [0.5, 1, 3])).toEqual([50, 100, 127])
      expect(yield* s.store.read("Bad")).toEqual([0])
      expect(s.engine.stats().skipped).toBeGreaterThan(0)
    }))

  it.scoped("paused: values hold and signal time stops; running again goes on from there", () =>
    Effect.gen(function* () {
      const s = yield* setup(["C=DINT"], ["C=counter(every=1s)"])
      yield* TestClock.adjust("3 seconds")
      expect(yield* s.store.read("C")).toEqual([3])
      yield* s.engine.setEnabled(false)
      yield* TestClock.adjust("10 seconds")
      expect(yield* s.store.read("C")).toEqual([3])
      expect(s.engine.time()).toBe(3)
      yield* s.engine.setEnabled(true)
      yield* TestClock.adjust("2 seconds")
      expect(yield* s.store.read("C")).toEqual([5])
    }))

  it.scoped("a client write wins until resumed; expressions see the written value", () =>
    Effect.gen(function* () {
      const s = yield* setup(["Level=DINT", "Twice=DINT", "SCADA=INT[4]"], ["Level=counter(every=1s)", "Twice=Level*2", "SCADA=counter(every=1s)"], 100)
      yield* TestClock.adjust("2 seconds")
      yield* s.store.write("Level", 0, [77])
      yield* s.store.write("SCADA", 2, [-1])
      yield* TestClock.adjust("3 seconds")
      expect(yield* s.store.read("Level")).toEqual([77])
      expect(yield* s.store.read("Twice")).toEqual([154])
      expect(yield* s.store.read("SCADA")).toEqual([5, 6, -1, 8])
      expect(s.engine.overridden()).toEqual(["Level", "SCADA[2]"])
      expect(yield* s.engine.resume("SCADA")).toBe(1)
      yield* TestClock.adjust("1 second")
      expect(yield* s.store.read("SCADA")).toEqual([6, 7, 8, 9])
      expect(yield* s.engine.resume()).toBe(1)
      yield* TestClock.adjust("100 millis")
      expect(yield* s.store.read("Level")).toEqual([6])
      expect(yield* s.store.read("Twice")).toEqual([12])
      expect(s.engine.overridden()).toEqual([])
    }))

  it.scoped("only changed elements are written, as ordinary tag writes (events)", () =>
    Effect.gen(function* () {
      const s = yield* setup(["C=DINT[2]"], ["C=counter(every=1s)"], 100)
      const q = yield* s.store.subscribe
      yield* TestClock.adjust("2 seconds")
      const events = yield* q.takeAll
      expect([...events].map((e) => [e.kind, e.start, e.count, e.values])).toEqual([["write", 0, 2, [1, 2]], ["write", 0, 2, [2, 3]]])
    }))
})

describe("signal specs refused when the engine is built", () => {
  const refused = (tags: ReadonlyArray<string>, signals: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const store = yield* makeTagStore(tags)
      const r = yield* Effect.either(makeSignals(store, signals, { seed: 1 }))
      if (Either.isRight(r)) throw new Error("expected a refusal")
      return r.left.message
    })

  it.scoped("cycles between expressions, with the path and the position", () =>
    Effect.gen(function* () {
      expect(yield* refused(["A=REAL", "B=REAL", "C=REAL"], ["A = B + 1", "B = C * 2", "C = sine() + A"]))
        .toBe('bad signal "C = sine() + A": signals form a cycle: C → A → B → C at position 14')
      expect(yield* refused(["A=REAL"], ["A = A + 1"])).toContain("signals form a cycle: A → A at position 5")
    }))

  it.scoped("unknown tags, functions, parameters; bad arguments; types", () =>
    Effect.gen(function* () {
      const tags = ["Level=REAL", "SCADA=INT[10]", "Text=STRING"]
      expect(yield* refused(tags, ["Nope=1"])).toBe('bad signal "Nope=1": no tag named Nope at position 1')
      expect(yield* refused(tags, ["Level=Nope*2"])).toContain("no tag named Nope at position 7")
      expect(yield* refused(tags, ["Level=sinus(1)"])).toContain('unknown function "sinus"')
      expect(yield* refused(tags, ["Level=sine(amp=1)"])).toContain('sine() has no parameter "amp" (amplitude, offset, period, phase, min, max) at position 12')
      expect(yield* refused(tags, ["Level=sine(1, 2, 3, 4, 5, 6, 7)"])).toContain("sine() takes at most 6 arguments")
      expect(yield* refused(tags, ["Level=sine(period=0)"])).toContain("sine(): period must be a positive number (got 0) at position 7")
      expect(yield* refused(tags, ["Level=sine(period=SCADA[1])"])).toContain("a tag cannot be used here (only constants) at position 19")
      expect(yield* refused(tags, ["Level=sine(amplitude=noise())"])).toContain("an argument must be a constant")
      expect(yield* refused(tags, ["Level=square(duty=2)"])).toContain("duty must be between 0 and 1")
      expect(yield* refused(tags, ["Level=Text * 2"])).toContain("the left operand of * must be a number, not a string at position 7")
      expect(yield* refused(tags, ["Level=sequence(\"a\", \"b\")"])).toContain("Level is a REAL: the expression gives strings")
      expect(yield* refused(tags, ["SCADA[5-10]=1"])).toContain("SCADA[5-10]: index out of range 0..9 at position 1")
      expect(yield* refused(tags, ["SCADA[0-4]=1", "SCADA[4]=2"])).toContain("SCADA[4] is generated twice")
      expect(yield* refused(tags, ["Level.X=1"])).toContain("has no members a signal can address")
    }))

  it.scoped("a generated tag's elements read by a reference are the engine's own values (no extra events)", () =>
    Effect.gen(function* () {
      const store = yield* makeTagStore(["A=DINT", "B=DINT"])
      const q = yield* store.subscribe
      yield* makeSignals(store, ["A=counter(every=1s)", "B=A+100"], { seed: 1 })
      yield* TestClock.adjust("1 second")
      const kinds = [...(yield* q.takeAll)].map((e) => e.kind)
      expect(kinds.every((k) => k === "write")).toBe(true)
      expect(yield* store.read("B")).toEqual([101])
    }))

  it.scoped("a tick of many elements is written in slices, all of them, as one tick's values", () =>
    Effect.gen(function* () {
      const tags = Array.from({ length: 1500 }, (_, i) => `T${i}=DINT`)
      const s = yield* setup(["Big=DINT[2500]", ...tags], ["Big=counter(every=1s)", ...tags.map((t, i) => `T${i}=counter(every=1s, start=${i})`)])
      yield* TestClock.adjust(1000)
      const big = yield* s.store.read("Big")
      expect(big.length).toBe(2500)
      big.forEach((v, i) => expect(v).toBe(i + 1))
      expect(yield* s.store.read("T1499")).toEqual([1500])
      expect(s.engine.stats().writes).toBe(2 * 4000 - 2) // Big[0] and T0 start at 0, the value the tags hold
    }))
})
