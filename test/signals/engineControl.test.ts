/**
 * The signal engine driven tick by tick (`deferStart`, `tick` run by the test, the TestClock moved
 * between ticks): what it lists, its counters, pausing and starting paused, which overridden
 * elements `resume` matches, values each tag type stores (and those it cannot), references to
 * program-scoped tags and to elements the engine does not generate, and the start schedule.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Logger, TestClock } from "effect"
import { makeSignals, parseSignal, type SignalOptions, Signals } from "../../src/signals/index.js"
import { AttributeError, AttributeFactory } from "../../src/tags/attribute.js"
import { makeTagStore, TagStore } from "../../src/tags/tagStore.js"

const engine = (tags: ReadonlyArray<string>, signals: ReadonlyArray<string>, options: SignalOptions = {}) =>
  Effect.gen(function* () {
    const store = yield* makeTagStore(tags)
    const engine = yield* makeSignals(store, signals, { seed: 5, deferStart: true, ...options })
    /** Move the clock by `millis` and tick once. */
    const step = (millis: number) => Effect.zipRight(TestClock.adjust(millis), engine.tick)
    return { store, engine, step }
  })

describe("signal engine, ticked by hand", () => {
  it.scoped("lists its signals; counts ticks, writes and values it could not store", () =>
    Effect.gen(function* () {
      const s = yield* engine(["A=DINT[4]", "B=REAL", "N=DINT"], ["A[1-2]=counter(every=1s)", " B = 2 * pi ", "N=1/0"])
      expect(s.engine.signals).toEqual([
        { target: "A[1-2]", expression: "counter(every=1s)", elements: 2 },
        { target: "B", expression: "2 * pi", elements: 1 },
        { target: "N", expression: "1/0", elements: 1 }
      ])
      expect(s.engine.stats()).toMatchObject({ ticks: 0, writes: 0, skipped: 0 })
      yield* s.engine.tick
      // A[1] starts at 0 (the value the tag holds: not written), A[2] at 1, B; N is Infinity.
      expect(s.engine.stats()).toMatchObject({ ticks: 1, writes: 2, skipped: 1 })
      expect(yield* s.store.read("A")).toEqual([0, 0, 1, 0])
      expect(yield* s.store.read("B")).toEqual([Math.fround(2 * Math.PI)])
      yield* s.engine.tick // same time, same values: nothing written
      expect(s.engine.stats()).toMatchObject({ ticks: 2, writes: 2, skipped: 2 })
      yield* s.step(1000)
      expect(yield* s.store.read("A")).toEqual([0, 1, 2, 0])
      expect(s.engine.stats()).toMatchObject({ ticks: 3, writes: 4, skipped: 3 })
      expect(s.engine.time()).toBe(1)
    }))

  it.scoped("signal time counts whole milliseconds of the clock while running, from the first tick", () =>
    Effect.gen(function* () {
      const s = yield* engine(["T=LREAL"], ["T=time()"])
      yield* TestClock.adjust(5000) // before the first tick: not signal time
      yield* s.engine.tick
      expect(s.engine.time()).toBe(0)
      yield* s.step(250)
      yield* s.step(250)
      expect(s.engine.time()).toBe(0.5)
      expect(yield* s.store.read("T")).toEqual([0.5])
      yield* s.engine.setEnabled(false)
      expect(s.engine.enabled()).toBe(false)
      yield* s.step(700) // paused: the tick does nothing
      expect(s.engine.time()).toBe(0.5)
      expect(s.engine.stats().ticks).toBe(3)
      yield* s.engine.setEnabled(false) // pausing twice counts nothing more
      yield* TestClock.adjust(300)
      yield* s.engine.setEnabled(true)
      expect(s.engine.enabled()).toBe(true)
      yield* s.step(100)
      expect(s.engine.time()).toBe(0.6)
      expect(yield* s.store.read("T")).toEqual([0.6])
      yield* TestClock.adjust(400)
      yield* s.engine.setEnabled(false) // time up to the pause is counted
      expect(s.engine.time()).toBe(1)
    }))

  it.scoped("started paused: nothing is written and time stands until enabled", () =>
    Effect.gen(function* () {
      const s = yield* engine(["C=DINT"], ["C=counter(every=1s, start=7)"], { paused: true })
      expect(s.engine.enabled()).toBe(false)
      yield* s.step(3000)
      expect(yield* s.store.read("C")).toEqual([0])
      expect(s.engine.stats().ticks).toBe(0)
      yield* s.engine.setEnabled(true)
      yield* s.engine.tick
      expect(yield* s.store.read("C")).toEqual([7])
      yield* s.step(2000)
      expect(yield* s.store.read("C")).toEqual([9])
    }))

  it.scoped("resume matches all, a tag (any case), an element or the signal's target; others are left", () =>
    Effect.gen(function* () {
      const s = yield* engine(["SCADA=INT[4]", "Level=DINT"], ["SCADA[0-3]=5", "Level=6"])
      yield* s.engine.tick
      const override = Effect.gen(function* () {
        yield* s.engine.tick // written again after a resume: what a client's write then differs from
        yield* s.store.write("SCADA", 0, [-1, -1, -1, -1])
        yield* s.store.write("Level", 0, [-1])
        yield* s.engine.tick
        expect(s.engine.overridden()).toEqual(["SCADA[0]", "SCADA[1]", "SCADA[2]", "SCADA[3]", "Level"])
      })
      yield* override
      expect(yield* s.engine.resume("Nope")).toBe(0)
      expect(yield* s.engine.resume("scada[2]")).toBe(1)
      expect(yield* s.engine.resume(" S C A D A [ 3 ] ")).toBe(1)
      expect(s.engine.overridden()).toEqual(["SCADA[0]", "SCADA[1]", "Level"])
      expect(yield* s.engine.resume("Scada[0-3]")).toBe(2)
      expect(yield* s.engine.resume("LEVEL")).toBe(1)
      yield* s.engine.tick
      expect(yield* s.store.read("SCADA")).toEqual([5, 5, 5, 5])
      for (const all of [undefined, "", "*", "All", "TRUE", "yes"]) {
        yield* override
        expect(yield* s.engine.resume(all)).toBe(5)
        expect(s.engine.overridden()).toEqual([])
      }
      yield* override
      expect(yield* s.engine.resume("no")).toBe(0)
    }))

  it.scoped("resume of a tag whose name starts or ends like \"all\" or \"yes\" resumes that tag only", () =>
    Effect.gen(function* () {
      const s = yield* engine(["Ball=DINT", "Yesno=DINT", "Other=DINT"], ["Ball=1", "Yesno=2", "Other=3"])
      yield* s.engine.tick
      for (const t of ["Ball", "Yesno", "Other"]) yield* s.store.write(t, 0, [-1])
      yield* s.engine.tick
      expect(yield* s.engine.resume("ball")).toBe(1)
      expect(yield* s.engine.resume("YESNO")).toBe(1)
      expect(s.engine.overridden()).toEqual(["Other"])
    }))

  it.scoped("paused before the first tick: signal time still starts at the first tick", () =>
    Effect.gen(function* () {
      const s = yield* engine(["T=LREAL"], ["T=time()"])
      yield* s.engine.setEnabled(false)
      yield* TestClock.adjust(1000)
      yield* s.engine.setEnabled(true)
      yield* s.engine.tick
      yield* s.step(500)
      expect([s.engine.time(), yield* s.store.read("T")]).toEqual([0.5, [0.5]])
    }))

  it.scoped("a client's write of the value the engine last wrote is no override", () =>
    Effect.gen(function* () {
      const s = yield* engine(["C=DINT"], ["C=counter(every=1s, start=1)"])
      yield* s.engine.tick
      yield* s.store.write("C", 0, [1])
      yield* s.step(1000)
      expect(s.engine.overridden()).toEqual([])
      expect(yield* s.store.read("C")).toEqual([2])
    }))

  it.scoped("each type stores what it can: rounded, clamped, cut; BOOL from truth; references read stored values", () =>
    Effect.gen(function* () {
      const s = yield* engine(
        ["I=INT", "U=UINT", "L=LINT", "Q=ULINT", "F=REAL", "D=LREAL", "B=BOOL[2]", "S=STRING", "Z=SSTRING", "X=INT", "Program:Main.P=DINT", "R=DINT", "K=DINT", "G=DINT"],
        ["I=40000.4", "U=-3", "L=-1e30", "Q=1e30", "F=1e39", "D=0.1", "B[0]=2", "B[1]=0", "S=1.5", "Z=\"é😀\"", "X=Program:Main.P + R + 0.6", "K=sqrt(-1)", "G=R"]
      )
      yield* s.store.write("Program:Main.P", 0, [10])
      yield* s.store.write("R", 0, [100])
      yield* s.engine.tick
      expect(yield* s.store.read("I")).toEqual([32767])
      expect(yield* s.store.read("U")).toEqual([0])
      expect(yield* s.store.read("L")).toEqual([-(2n ** 63n)])
      expect(yield* s.store.read("Q")).toEqual([2n ** 64n - 1n])
      expect(yield* s.store.read("F")).toEqual([Math.fround(3.4028234663852886e38)])
      expect(yield* s.store.read("D")).toEqual([0.1])
      expect(yield* s.store.read("B", 0, 2)).toEqual([true, false])
      expect(yield* s.store.read("S")).toEqual(["1.5"])
      expect(yield* s.store.read("Z")).toEqual(["é??"]) // beyond Latin-1: "?" per UTF-16 unit
      expect(yield* s.store.read("X")).toEqual([111])
      expect(yield* s.store.read("K")).toEqual([0])
      expect(yield* s.store.read("G")).toEqual([100])
      // A referenced tag the engine does not generate is read again each tick.
      yield* s.store.write("R", 0, [200])
      yield* s.engine.tick
      expect(yield* s.store.read("G")).toEqual([200])
      expect(s.engine.stats().skipped).toBe(2) // K, once a tick
    }))

  // BOOL arrays are stored 32 to a DWORD: their elements used to be refused as BOOL bytes and
  // silently counted as skipped, never written.
  it.scoped("BOOL array elements are generated bit by bit; a client's write of a bit overrides it", () =>
    Effect.gen(function* () {
      const s = yield* engine(["Bits=BOOL[40]"], ["Bits[31-33]=square(offset=1, period=3s)", "Bits[5]=1"])
      yield* s.engine.tick
      expect(yield* s.store.read("Bits", 30, 5)).toEqual([false, true, true, false, false])
      expect(yield* s.store.read("Bits", 4, 3)).toEqual([false, true, false])
      expect(s.engine.stats()).toMatchObject({ writes: 3, skipped: 0 })
      yield* s.store.write("Bits", 32, [false])
      yield* s.step(1000)
      // A third of a period on (each copy a third ahead of the one before): Bits[31] still high,
      // Bits[33] high now; Bits[32] left as the client wrote it.
      expect(yield* s.store.read("Bits", 31, 3)).toEqual([true, false, true])
      expect(s.engine.overridden()).toEqual(["Bits[32]"])
    }))

  it.scoped("start ticks on the period, once however often it is run", () =>
    Effect.gen(function* () {
      const s = yield* engine(["C=DINT"], ["C=counter(every=1s)"], { periodMillis: 500 })
      yield* s.engine.start
      yield* s.engine.start
      yield* TestClock.adjust(0)
      expect(s.engine.stats().ticks).toBe(1)
      yield* TestClock.adjust(2000)
      expect(s.engine.stats().ticks).toBe(5)
      expect(yield* s.store.read("C")).toEqual([2])
    }))

  it.scoped("without a seed, random generators draw one from Effect's Random", () =>
    Effect.gen(function* () {
      const store = yield* makeTagStore(["N=LREAL"])
      const e = yield* makeSignals(store, ["N=random(min=0, max=1)"], { deferStart: true })
      yield* e.tick
      const [v] = (yield* store.read("N")) as Array<number>
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThan(1)
      expect(v).not.toBe(0)
    }))

  it.scoped("a target in a string tag takes strings; a numeric expression is written as its text", () =>
    Effect.gen(function* () {
      const s = yield* engine(["Mode=STRING", "N=DINT"], ["Mode=N > 1 ? \"HIGH\" : \"LOW\"", "N=counter(every=1s)"])
      yield* s.engine.tick
      expect(yield* s.store.read("Mode")).toEqual(["LOW"])
      yield* s.step(2000)
      expect(yield* s.store.read("Mode")).toEqual(["HIGH"])
      const bad = yield* Effect.either(makeSignals(s.store, ["N=\"x\""], { deferStart: true }))
      expect(Either.isLeft(bad) && bad.left.message).toBe('bad signal "N=\\"x\\"": N is a DINT: the expression gives strings at position 3')
    }))

  it.scoped("specs given parsed or as text; the same seed, the same random values; the layer over the context's TagStore", () =>
    Effect.gen(function* () {
      const store = yield* makeTagStore(["A=LREAL", "B=LREAL", "C=DINT"])
      const a = yield* makeSignals(store, [yield* parseSignal("A=random(min=0, max=1)")], { seed: 7, deferStart: true })
      const b = yield* makeSignals(store, ["B=random(min=0, max=1)"], { seed: 7, deferStart: true })
      yield* a.tick
      yield* b.tick
      const [x] = (yield* store.read("A")) as Array<number>
      expect(yield* store.read("B")).toEqual([x])
      expect(x).not.toBe(0)
      const viaLayer = yield* Effect.provide(Signals, Signals.layer(["C=7"], { deferStart: true }).pipe(Layer.provide(Layer.succeed(TagStore, store))))
      yield* viaLayer.tick
      expect([viaLayer.signals, yield* store.read("C")]).toEqual([[{ target: "C", expression: "7", elements: 1 }], [7]])
    }))

  it.scoped("a REAL holding NaN before the first tick is written (NaN equals NaN only to tell a client's write)", () =>
    Effect.gen(function* () {
      const s = yield* engine(["R=REAL"], ["R=1.5"])
      // As a client's bytes (a value write refuses NaN).
      expect(s.store.writeBytes(s.store.find("R")!, 0, 1, new Uint8Array(Float32Array.of(Number.NaN).buffer))).toBeUndefined()
      expect(yield* s.store.read("R")).toEqual([Number.NaN])
      yield* s.engine.tick
      expect([yield* s.store.read("R"), s.engine.overridden()]).toEqual([[1.5], []])
    }))

  it.scoped("a client's write seen in the tick that finds it: references read its value, the element is not written", () =>
    Effect.gen(function* () {
      const s = yield* engine(["A=DINT", "B=DINT"], ["A=counter(every=1s)", "B=A + 100"])
      yield* s.engine.tick
      yield* s.step(1000)
      expect([yield* s.store.read("A"), yield* s.store.read("B")]).toEqual([[1], [101]])
      yield* s.store.write("A", 0, [50])
      yield* s.step(1000)
      expect([yield* s.store.read("A"), yield* s.store.read("B"), s.engine.overridden()]).toEqual([[50], [150], ["A"]])
    }))

  it.scoped("a client's write between two slices of a tick is seen as an override, not overwritten", () =>
    Effect.gen(function* () {
      const names = Array.from({ length: 1001 }, (_, i) => `T${i}`)
      const s = yield* engine(names.map((t) => `${t}=DINT`), names.map((t) => `${t}=counter(every=1s)`))
      yield* s.engine.tick // 0 everywhere: what each element holds is what the engine last wrote
      let wrote = false
      yield* s.store.addSink((e) => {
        if (e.kind !== "write" || wrote) return
        wrote = true
        // Queued in the first slice: runs in the turn of the event loop before the second slice.
        setImmediate(() => { expect(s.store.writeBytes(s.store.find("T1000")!, 0, 1, Uint8Array.of(99, 0, 0, 0))).toBeUndefined() })
      })
      yield* s.step(1000)
      expect([yield* s.store.read("T999"), yield* s.store.read("T1000"), s.engine.overridden()]).toEqual([[1], [99], ["T1000"]])
    }))

  it.scoped("a value a tag cannot store: logged once as a warning, nothing else logged", () =>
    Effect.gen(function* () {
      const logs: Array<string> = []
      const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ logLevel, message }) => {
        logs.push(`${logLevel.label} ${(Array.isArray(message) ? message : [message]).join(" ")}`)
      }))
      const s = yield* engine(["N=DINT", "M=DINT"], ["N=1/0", "M=2"])
      yield* Effect.provide(Effect.zipRight(s.engine.tick, s.step(1000)), capture)
      expect(logs).toEqual(["WARN signal N: Infinity cannot be stored as a DINT; the element keeps its value (logged once)"])
      expect(s.engine.stats()).toMatchObject({ ticks: 2, writes: 1, skipped: 2 })
      // The last tick's duration: within the time measured around it.
      const before = performance.now()
      yield* s.engine.tick
      const spent = performance.now() - before
      const { lastTickMillis } = s.engine.stats()
      expect([lastTickMillis >= 0, lastTickMillis <= spent]).toEqual([true, true])
    }))

  it.scoped("tags on asynchronous storage: a reference read each tick, a target written through its Attribute, failures", () =>
    Effect.gen(function* () {
      const held: Record<string, Array<number>> = { In: [5], Out: [0] }
      const failReads = new Set<string>()
      let failWrites = false
      const refused = () => Effect.fail(new AttributeError({ status: 0x08, extStatus: [], message: "offline" }))
      const remote = AttributeFactory.layer((spec) =>
        spec.name in held
          ? {
              type: spec.type,
              count: spec.count,
              read: (start, n) => failReads.has(spec.name) ? refused() : Effect.succeed(held[spec.name]!.slice(start, start + n)),
              write: (start, vals) => failWrites ? refused() : Effect.sync(() => { held[spec.name]!.splice(start, vals.length, ...(vals as Array<number>)) })
            }
          : undefined)
      const store = yield* makeTagStore(["In=DINT", "Out=DINT"]).pipe(Effect.provide(remote))
      const e = yield* makeSignals(store, ["Out=In * 2 + 1"], { deferStart: true })
      yield* e.tick
      expect([held["Out"], e.stats().writes, e.stats().skipped]).toEqual([[11], 1, 0])
      held["In"] = [20]
      yield* e.tick
      expect([held["Out"], e.stats().writes]).toEqual([[41], 2])
      // A failed write: nothing stored, the element counted as skipped, tried again next tick.
      held["In"] = [30]
      failWrites = true
      yield* e.tick
      expect([held["Out"], e.stats().writes, e.stats().skipped]).toEqual([[41], 2, 1])
      failWrites = false
      yield* e.tick
      expect([held["Out"], e.stats().writes, e.stats().skipped]).toEqual([[61], 3, 1])
      // A reference whose read fails reads as 0.
      failReads.add("In")
      yield* e.tick
      expect([held["Out"], e.stats().writes, e.stats().skipped, e.overridden()]).toEqual([[1], 4, 1, []])
      // The target's own read failing is no client's write: not an override, written again once read.
      failReads.clear()
      failReads.add("Out")
      yield* e.tick
      expect(e.overridden()).toEqual([])
      failReads.clear()
      held["In"] = [3]
      yield* e.tick
      expect([held["Out"], e.overridden()]).toEqual([[7], []])
    }))
})
