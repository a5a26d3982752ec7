/**
 * Who hears about tag accesses: sinks (synchronous, in the turn of the access, never dropped),
 * subscribers (a PubSub), and nobody (then no event is built). What the events say for BOOL
 * arrays, member views, asynchronous Attributes, failures and unknown tags.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Queue, Scope, Stream } from "effect"
import { encodeValues } from "../../src/cip/types.js"
import { AttributeFactory, type Attribute } from "../../src/tags/attribute.js"
import type { TagEvent } from "../../src/tags/events.js"
import { type AccessView, makeTagStore, type TagError } from "../../src/tags/tagStore.js"

const strip = (e: TagEvent) => { const { at: _at, ...rest } = e; return rest }

describe("sinks", () => {
  it.effect("hear every access in its turn, until their scope closes", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT[2]"])
    const heard: Array<TagEvent> = []
    const scope = yield* Scope.make()
    expect(s.hasSubscribers()).toBe(false)
    yield* s.addSink((e) => heard.push(e)).pipe(Scope.extend(scope))
    expect(s.hasSubscribers()).toBe(true)
    const before = Date.now()
    s.writeBytes(s.find("D")!, 1, 1, encodeValues("DINT", [7]))
    expect(heard.map(strip)).toEqual([{ name: "D", type: "DINT", kind: "write", start: 1, count: 1, values: [7] }])
    expect(heard[0]!.at).toBeGreaterThanOrEqual(before)
    expect(heard[0]!.at).toBeLessThanOrEqual(Date.now())
    s.readBytes(s.find("D")!, 0, 2)
    expect(heard.map(strip)[1]).toEqual({ name: "D", type: "DINT", kind: "read", start: 0, count: 2, values: [0, 7] })
    yield* Scope.close(scope, Exit.void)
    expect(s.hasSubscribers()).toBe(false)
    yield* s.write("D", 0, [1])
    expect(heard).toHaveLength(2)
  }))

  it.scoped("a sink that throws does not break the access nor the other sinks", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT"])
    const heard: Array<string> = []
    yield* s.addSink(() => { throw new Error("bad sink") })
    yield* s.addSink((e) => heard.push(e.kind))
    yield* s.write("D", 0, [3])
    expect(yield* s.read("D")).toEqual([3])
    expect(heard).toEqual(["write", "read"])
  }))

  it.effect("congested while any sink says so, and no longer once that sink is gone", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT"])
    expect(s.congested()).toBe(false)
    let full = false
    const a = yield* Scope.make()
    const b = yield* Scope.make()
    yield* s.addSink(() => {}, { congested: () => full }).pipe(Scope.extend(a))
    yield* s.addSink(() => {}, { congested: () => false }).pipe(Scope.extend(b))
    yield* s.addSink(() => {}).pipe(Scope.extend(b))
    expect(s.congested()).toBe(false)
    full = true
    expect(s.congested()).toBe(true)
    yield* Scope.close(b, Exit.void)
    expect(s.congested()).toBe(true)
    expect(s.hasSubscribers()).toBe(true)
    yield* Scope.close(a, Exit.void)
    expect(s.congested()).toBe(false)
    expect(s.hasSubscribers()).toBe(false)
  }))
})

describe("subscribers", () => {
  it.effect("counted: publishing stops when the last one leaves, and each gets every event", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT"])
    const one = yield* Scope.make()
    const two = yield* Scope.make()
    const q1 = yield* s.subscribe.pipe(Scope.extend(one))
    const q2 = yield* s.subscribe.pipe(Scope.extend(two))
    yield* s.write("D", 0, [1])
    yield* Scope.close(one, Exit.void)
    expect(s.hasSubscribers()).toBe(true)
    yield* s.write("D", 0, [2])
    expect(Chunk.toReadonlyArray(yield* Queue.takeAll(q2)).map((e) => e.values)).toEqual([[1], [2]])
    expect(yield* Queue.isShutdown(q1)).toBe(true)
    yield* Scope.close(two, Exit.void)
    expect(s.hasSubscribers()).toBe(false)
  }))

  it.effect("events is a Stream of the same events", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT"])
    const got = yield* Effect.fork(Stream.runCollect(Stream.take(s.events, 2)))
    while (!s.hasSubscribers()) yield* Effect.yieldNow()
    yield* s.write("D", 0, [5])
    yield* s.read("D")
    expect(Chunk.toReadonlyArray(yield* got).map((e) => [e.kind, e.values])).toEqual([["write", [5]], ["read", [5]]])
  }))
})

describe("what events say", () => {
  it.scoped("a BOOL array's accesses count BOOLs, not DWORDs", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["B=BOOL[64]"])
    const heard: Array<TagEvent> = []
    yield* s.addSink((e) => heard.push(e))
    yield* s.write("B", 33, [true])
    s.readBytes(s.find("B")!, 1, 1)
    yield* Effect.flip(s.read("B", 62, 4))
    expect(heard.map((e) => [e.kind, e.start, e.count])).toEqual([["write", 32, 32], ["read", 32, 32], ["error", 0, 32]])
    expect(heard[0]!.values).toHaveLength(32)
    expect(heard[0]!.values![1]).toBe(true)
    expect(heard[2]!.error).toBe("B: B[62-65] is outside 0..63")
  }))

  it.scoped("failures are error events carrying the message; forced ones too", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT[2]", "T=STRING"])
    const heard: Array<TagEvent> = []
    yield* s.addSink((e) => heard.push(e))
    s.readBytes(s.find("D")!, 1, 3)
    s.writeBytes(s.find("D")!, 0, 1, new Uint8Array(3))
    yield* Effect.flip(s.write("D", 0, ["x"]))
    const t = encodeValues("STRING", ["x"])
    new DataView(t.buffer).setInt32(0, 99, true)
    s.writeBytes(s.find("T")!, 0, 1, t)
    yield* s.setError("D", { status: 0x08 })
    yield* Effect.flip(s.read("D"))
    expect(heard.map(strip)).toEqual([
      { name: "D", type: "DINT", kind: "error", start: 1, count: 3, error: "D: D[1-3] is outside 0..1" },
      { name: "D", type: "DINT", kind: "error", start: 0, count: 1, error: "D: 3 bytes do not hold 1 DINT elements" },
      { name: "D", type: "DINT", kind: "error", start: 0, count: 1, error: "D: value x is not a DINT" },
      { name: "T", type: "STRING", kind: "error", start: 0, count: 1, error: "T: T[0].LEN 99 is outside 0..82" },
      // A forced error is reported against the first element, whatever the range asked.
      { name: "D", type: "DINT", kind: "error", start: 0, count: 1, error: "D: Status 8 (service not supported)" }
    ])
  }))

  it.scoped("a view names the member accessed, its values, its failures", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT[4]"])
    const heard: Array<TagEvent> = []
    yield* s.addSink((e) => heard.push(e))
    const view: AccessView = { name: "D[2].Hi", type: "INT", start: 1, count: 1, values: (b) => [b[2]! | (b[3]! << 8)] }
    const tag = s.find("D")!
    s.writeBytes(tag, 2, 1, Uint8Array.of(0, 0, 5, 0), view)
    s.readBytes(tag, 2, 1, view)
    s.readBytes(tag, 9, 1, view)
    s.updateBytes(tag, 2, 1, (o) => o, view)
    expect(heard.map(strip)).toEqual([
      { name: "D[2].Hi", type: "INT", kind: "write", start: 1, count: 1, values: [5] },
      { name: "D[2].Hi", type: "INT", kind: "read", start: 1, count: 1, values: [5] },
      { name: "D[2].Hi", type: "INT", kind: "error", start: 1, count: 1, error: "D: D[9] is outside 0..3" },
      { name: "D[2].Hi", type: "INT", kind: "write", start: 1, count: 1, values: [5] }
    ])
  }))

  it.scoped("an asynchronous Attribute's accesses and failures are heard after they complete", () => Effect.gen(function* () {
    const a: Attribute = {
      type: "DINT", count: 2,
      read: (start, n) => Effect.succeed(Array.from({ length: n }, (_, i) => start + i + 1)),
      write: () => Effect.void
    }
    const s = yield* makeTagStore(["A=DINT[2]"]).pipe(Effect.provide(AttributeFactory.layer(() => a)))
    const heard: Array<TagEvent> = []
    yield* s.addSink((e) => heard.push(e))
    const tag = s.find("A")!
    const r = s.readBytes(tag, 0, 2) as Effect.Effect<Uint8Array, TagError>
    expect(heard).toEqual([])
    yield* r
    const w = s.writeBytes(tag, 1, 1, encodeValues("DINT", [9])) as Effect.Effect<void, TagError>
    expect(heard).toHaveLength(1)
    yield* w
    expect(heard.map(strip)).toEqual([
      { name: "A", type: "DINT", kind: "read", start: 0, count: 2, values: [1, 2] },
      { name: "A", type: "DINT", kind: "write", start: 1, count: 1, values: [9] }
    ])
  }))

  it.effect("an unknown tag asked for is an error event only when someone listens", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT"])
    s.reportUnknown("Nobody", 0, 1) // nobody listens: nothing to see, nothing thrown
    const heard: Array<TagEvent> = []
    yield* Effect.scoped(Effect.gen(function* () {
      yield* s.addSink((e) => heard.push(e))
      s.reportUnknown("Ghost", 3, 2)
    }))
    s.reportUnknown("Later", 0, 1)
    expect(heard.map(strip)).toEqual([{ name: "Ghost", kind: "error", start: 3, count: 2, error: "Ghost: unknown tag" }])
  }))
})
