/**
 * The live hub (src/web/live.ts) without HTTP: what a page receives first (the `retry:` line, then
 * a snapshot of everything), the snapshot's fields, a recent snapshot shared by pages opening
 * together, the counters `liveStats` reports, a page's own backlog (what it has read is no longer
 * counted), the tag events' subscription held only while a page is open, and every page's stream
 * ending when the server stops.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Fiber, Queue, Stream } from "effect"
import { makeServerControl } from "../../src/server/control.js"
import { makeConnectionRegistry } from "../../src/server/registry.js"
import { AttributeError, AttributeFactory } from "../../src/tags/attribute.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { coalesce, type LiveEvent, makeLiveHub, PAGE_VALUES, type Snapshot, sseMessage } from "../../src/web/live.js"
import { replayItem, signalsItem } from "../../src/web/playItems.js"
import type { ApiServices } from "../../src/web/groups.js"
import { fakeReplay, fakeSignals } from "./playFakes.js"

const decoder = new TextDecoder()
const text = (b: Uint8Array) => decoder.decode(b)

/** The JSON of an SSE message of the given event. */
const dataOf = <A>(b: Uint8Array, event: string): A => {
  const m = /^event: (\w+)\ndata: (.*)\n\n$/s.exec(text(b))
  if (m === null || m[1] !== event) throw new Error(`not an ${event} message: ${text(b).slice(0, 80)}`)
  return JSON.parse(m[2]!) as A
}

const services = (tags: ReadonlyArray<string> = ["B=BOOL", "LONG=DINT[150]", "S=INT[2]"]) =>
  Effect.gen(function* () {
    return { control: yield* makeServerControl({ latency: 0.25, timeout: 30 }), registry: makeConnectionRegistry(), tags: yield* makeTagStore(tags) } satisfies ApiServices
  })

const connection = (backlog = () => 0) => {
  const state = { destroyed: 0 }
  return { state, connection: { backlog, destroy: () => { state.destroyed++ } } }
}

/** The first `n` chunks of a page's stream. */
const take = (stream: Stream.Stream<Uint8Array>, n: number) =>
  Effect.map(Stream.runCollect(Stream.take(stream, n)), Chunk.toReadonlyArray)

/** Poll (10 ms) until `f` holds, at most ~5 s: a hang guard, not a timing bound. */
const until = (f: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 500 && !f(); i++) yield* Effect.sleep("10 millis")
    expect(f()).toBe(true)
  })

describe("live hub: what a page gets", () => {
  it.live("first the retry line, then a snapshot of everything as it is", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = yield* services()
      yield* s.tags.write("LONG", 0, Array.from({ length: 150 }, (_, i) => i + 1))
      yield* s.tags.write("S", 1, [-7])
      yield* s.tags.setError("S", { status: 8 })
      yield* s.control.setDelayRange([1, 2.5])
      yield* s.control.setDisabled(true)
      s.registry.countAccepted()
      s.registry.countAccepted()
      s.registry.countRefused()
      s.registry.add({
        key: "10_0_0_1_5000", interface: "10.0.0.1", port: 5000, local: "127.0.0.1", localPort: 44818, since: 0,
        received: 96, requests: 3, eof: false, drop: () => {}
      })
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "1 hours", tokenRequired: true, changed: Stream.never }, Effect.never)
      const before = Date.now()
      const page = (yield* hub.open(connection().connection))!
      const after = Date.now()
      const [hello, first] = yield* take(page.stream, 2)
      expect(text(hello!)).toBe("retry: 1000\n\n")
      const snap = dataOf<Snapshot>(first!, "snapshot")
      // `until` is the server's clock in seconds.
      expect(snap.until).toBeGreaterThanOrEqual(before / 1000)
      expect(snap.until).toBeLessThanOrEqual(after / 1000)
      const { until: _, ...rest } = snap
      expect(rest).toStrictEqual({
        tokenRequired: true,
        delay: { value: s.control.unsafeState().delay.value, range: "1-2.5" },
        control: { disable: true, done: false, latency: 0.25, timeout: 30 },
        stats: { accepted: 2, refused: 1, closed: 0 },
        connections: { "10_0_0_1_5000": { interface: "10.0.0.1", port: 5000, received: 96, requests: 3, eof: false } },
        tags: {
          B: { type: "BOOL", count: 1, scalar: true, error: 0, path: "B", values: [false] },
          // The page shows the first PAGE_VALUES (100) of a longer array.
          LONG: { type: "DINT", count: 150, scalar: false, error: 0, path: "LONG", values: Array.from({ length: PAGE_VALUES }, (_, i) => i + 1) },
          // A forced error is shown, and the values despite it.
          S: { type: "INT", count: 2, scalar: false, error: 8, path: "S", values: [0, -7] }
        }
      })
      expect(PAGE_VALUES).toBe(100)
    })))

  it.live("no delay range reads null; the signals and the replay appear only when the simulator has them", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = yield* services(["B=BOOL"])
      const plain = yield* makeLiveHub(s, { interval: "1 hours", batch: "1 hours", tokenRequired: false, changed: Stream.never }, Effect.never)
      const snap = dataOf<Snapshot>((yield* take((yield* plain.open(connection().connection))!.stream, 2))[1]!, "snapshot")
      expect(snap.delay).toEqual({ value: 0, range: null })
      expect(snap.tokenRequired).toBe(false)
      expect("signals" in snap).toBe(false)
      expect("replay" in snap).toBe(false)
      const { g } = fakeSignals()
      const { r } = fakeReplay()
      const moving = yield* makeLiveHub({ ...s, signals: g, replay: r }, { interval: "1 hours", batch: "1 hours", tokenRequired: false, changed: Stream.never }, Effect.never)
      const withBoth = dataOf<Snapshot>((yield* take((yield* moving.open(connection().connection))!.stream, 2))[1]!, "snapshot")
      expect(withBoth.signals).toStrictEqual(signalsItem(g))
      expect(withBoth.replay).toStrictEqual(yield* replayItem(r))
      expect(withBoth.signals!.signals).toEqual(["SCADA[0-9] = sin(t)", "Level = t * 2"])
    })))

  it.live("pages opening together share one recent snapshot; a page opening later gets a fresh one", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = yield* services(["S=INT[2]"])
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "1 hours", tokenRequired: false, changed: Stream.never }, Effect.never)
      // The sharing lasts 250 ms: tried a few times in case this runner stalls between the two opens.
      let shared: [Snapshot, Snapshot] | undefined
      for (let attempt = 0; attempt < 5 && shared === undefined; attempt++) {
        yield* s.tags.write("S", 0, [attempt])
        yield* Effect.sleep("300 millis") // past any earlier snapshot's 250 ms
        const t0 = Date.now()
        const a = dataOf<Snapshot>((yield* take((yield* hub.open(connection().connection))!.stream, 2))[1]!, "snapshot")
        yield* s.tags.write("S", 0, [100 + attempt])
        const b = dataOf<Snapshot>((yield* take((yield* hub.open(connection().connection))!.stream, 2))[1]!, "snapshot")
        if (Date.now() - t0 < 200) shared = [a, b]
      }
      expect(shared).toBeDefined()
      const [a, b] = shared!
      // The second page got the first one's snapshot: the same time, the value before the write.
      expect(b).toStrictEqual(a)
      expect(a.tags["S"]!.values[0]).toBeLessThan(100)
      yield* Effect.sleep("300 millis")
      const c = dataOf<Snapshot>((yield* take((yield* hub.open(connection().connection))!.stream, 2))[1]!, "snapshot")
      expect(c.tags["S"]!.values[0]).toBeGreaterThanOrEqual(100)
      expect(c.until).toBeGreaterThan(a.until)
    })))

  it.live("a tag on asynchronous storage is read through it; one whose read fails is listed with no values", () =>
    Effect.scoped(Effect.gen(function* () {
      const offline = () => Effect.fail(new AttributeError({ status: 0x08, extStatus: [], message: "offline" }))
      const remote = AttributeFactory.layer((spec) =>
        spec.name === "Up" || spec.name === "Down"
          ? { type: spec.type, count: spec.count, read: (start, n) => (spec.name === "Up" ? Effect.succeed([41, 42].slice(start, start + n)) : offline()), write: () => Effect.void }
          : undefined)
      const tags = yield* makeTagStore(["Up=DINT[2]", "Down=DINT[2]"]).pipe(Effect.provide(remote))
      const s = { control: yield* makeServerControl(), registry: makeConnectionRegistry(), tags }
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "1 hours", tokenRequired: false, changed: Stream.never }, Effect.never)
      const snap = dataOf<Snapshot>((yield* take((yield* hub.open(connection().connection))!.stream, 2))[1]!, "snapshot")
      expect(snap.tags).toStrictEqual({
        Up: { type: "DINT", count: 2, scalar: false, error: 0, path: "Up", values: [41, 42] },
        Down: { type: "DINT", count: 2, scalar: false, error: 0, path: "Down", values: [] }
      })
    })))

  it("a tag event as the page gets it: at most PAGE_VALUES values; an error without values, values without an error", () => {
    const many = Array.from({ length: 150 }, (_, i) => i)
    expect(coalesce([
      { name: "L", type: "DINT", kind: "write", start: 0, count: 150, values: many, at: 5 },
      { name: "S", type: "INT", kind: "error", start: 1, count: 1, error: "S: Status 8", at: 6 }
    ] as never)).toStrictEqual([
      { name: "L", kind: "write", start: 0, count: 150, values: many.slice(0, 100), at: 5 },
      { name: "S", kind: "error", start: 1, count: 1, error: "S: Status 8", at: 6 }
    ] satisfies Array<LiveEvent>)
  })

  it("an SSE message is its event line, one data line of JSON, and a blank line", () => {
    expect(text(sseMessage("tags", [{ a: "x\ny" }]))).toBe('event: tags\ndata: [{"a":"x\\ny"}]\n\n')
  })
})

describe("live hub: counters, backlog, subscription, stop", () => {
  it.live("stats: pages open, events taken in, messages built, pages refused past maxStreams", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = yield* services(["B=BOOL"])
      const changed = yield* Queue.unbounded<void>()
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "20 millis", tokenRequired: false, changed: Stream.fromQueue(changed), maxStreams: 2 }, Effect.never)
      expect(hub.stats()).toStrictEqual({ pages: 0, events: 0, messages: 0, dropped: 0, refused: 0 })
      // No page: nobody listens, so accesses are not taken in, and a change builds no snapshot.
      yield* s.tags.write("B", 0, [true])
      yield* Queue.offer(changed, undefined)
      yield* Effect.sleep("100 millis")
      expect(hub.stats()).toStrictEqual({ pages: 0, events: 0, messages: 0, dropped: 0, refused: 0 })
      const a = (yield* hub.open(connection().connection))!
      const b = (yield* hub.open(connection().connection))!
      expect(yield* hub.open(connection().connection)).toBeUndefined()
      expect(yield* hub.open(connection().connection)).toBeUndefined()
      // The first snapshot of each page is not a broadcast message.
      expect(hub.stats()).toStrictEqual({ pages: 2, events: 0, messages: 0, dropped: 0, refused: 2 })
      yield* s.tags.write("B", 0, [true])
      yield* s.tags.write("B", 0, [false])
      yield* s.tags.read("B")
      yield* until(() => hub.stats().messages === 1)
      // Three events, coalesced into one message (a write and a read of B) sent to both pages.
      expect(hub.stats()).toStrictEqual({ pages: 2, events: 3, messages: 1, dropped: 0, refused: 2 })
      const [ta, tb] = [(yield* take(a.stream, 3))[2]!, (yield* take(b.stream, 3))[2]!]
      expect(text(ta)).toBe(text(tb))
      expect(dataOf<Array<LiveEvent>>(ta, "tags").map((e) => [e.name, e.kind, e.values])).toEqual([["B", "write", [false]], ["B", "read", [false]]])
      // A command's change: one snapshot message for all pages.
      const c = (yield* hub.open(connection().connection))!
      yield* Queue.offer(changed, undefined)
      yield* until(() => hub.stats().messages === 2)
      expect(dataOf<Snapshot>((yield* take(c.stream, 3))[2]!, "snapshot").tags["B"]!.values).toEqual([false])
      expect(hub.stats()).toMatchObject({ pages: 0, refused: 2 })
    })))

  it.live("a page that reads keeps up however many messages pass; one that does not is dropped when its queue passes maxBacklog", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = yield* services(["B=BOOL"])
      // The size L of each tags message (B written true; `at` has 13 digits).
      const L = sseMessage("tags", [{ name: "B", kind: "write", start: 0, count: 1, values: [true], at: Date.now() }]).length
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "10 millis", tokenRequired: false, changed: Stream.never, maxBacklog: 3 * L }, Effect.never)
      const reader = connection()
      const mute = connection()
      const readPage = (yield* hub.open(reader.connection))!
      const mutePage = (yield* hub.open(mute.connection))!
      const received = yield* Queue.unbounded<Uint8Array>()
      yield* Effect.forkScoped(Stream.runForEach(Stream.drop(readPage.stream, 2), (m) => Queue.offer(received, m)))
      const droppedAfter: Array<number> = []
      for (let k = 1; k <= 10; k++) {
        yield* s.tags.write("B", 0, [true])
        const m = yield* Queue.take(received)
        expect(m.length).toBe(L)
        droppedAfter.push(hub.stats().dropped)
      }
      // The mute page held 3 L after three messages (exactly the bound: kept), the fourth passed it.
      expect(droppedAfter).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
      expect({ reader: reader.state.destroyed, mute: mute.state.destroyed }).toEqual({ reader: 0, mute: 1 })
      expect(hub.stats()).toMatchObject({ pages: 1, dropped: 1, messages: 10 })
      // The dropped page's stream ends: its queue is shut (what it held goes with the connection cut).
      const rest = yield* Stream.runCollect(mutePage.stream).pipe(Effect.timeout("5 seconds"))
      expect(Chunk.size(rest)).toBe(2)
    })))

  it.live("the tag subscription is held only while a page is open: events are not taken in after the last page goes, nor sent to the next", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = yield* services(["B=BOOL", "S=INT"])
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "300 millis", tokenRequired: false, changed: Stream.never }, Effect.never)
      const a = (yield* hub.open(connection().connection))!
      yield* s.tags.write("S", 0, [5])
      // The page goes (its stream ends) before the batch is sent.
      yield* take(a.stream, 2)
      expect(hub.stats()).toMatchObject({ pages: 0, events: 1, messages: 0 })
      yield* s.tags.write("S", 0, [6])
      yield* Effect.sleep("50 millis")
      expect(hub.stats().events).toBe(1)
      // A new page gets only what happens while it is open.
      const b = (yield* hub.open(connection().connection))!
      const got = yield* Effect.fork(take(b.stream, 3))
      yield* Effect.sleep("700 millis")
      yield* s.tags.write("B", 0, [true])
      const chunks = yield* Fiber.join(got).pipe(Effect.timeout("5 seconds"))
      expect(dataOf<Array<LiveEvent>>(chunks[2]!, "tags").map((e) => [e.name, e.values])).toEqual([["B", [true]]])
      expect(hub.stats()).toMatchObject({ events: 2, messages: 1 })
    })))

  it.live("one page of two going keeps the subscription for the other", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = yield* services(["B=BOOL"])
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "20 millis", tokenRequired: false, changed: Stream.never }, Effect.never)
      const a = (yield* hub.open(connection().connection))!
      const b = (yield* hub.open(connection().connection))!
      yield* take(a.stream, 2)
      expect(hub.stats().pages).toBe(1)
      yield* s.tags.write("B", 0, [true])
      const chunks = yield* take(b.stream, 3).pipe(Effect.timeout("5 seconds"))
      expect(dataOf<Array<LiveEvent>>(chunks[2]!, "tags").map((e) => [e.name, e.values])).toEqual([["B", [true]]])
      expect(hub.stats()).toMatchObject({ events: 1, messages: 1 })
    })))

  it.live("when the server stops, every page's stream ends", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = yield* services(["B=BOOL"])
      const stop = yield* Deferred.make<void>()
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "1 hours", tokenRequired: false, changed: Stream.never }, Deferred.await(stop))
      const pages = [(yield* hub.open(connection().connection))!, (yield* hub.open(connection().connection))!]
      const readers = yield* Effect.forEach(pages, (p) => Effect.fork(Stream.runCollect(p.stream)))
      yield* Effect.sleep("50 millis")
      expect(hub.stats().pages).toBe(2)
      yield* Deferred.succeed(stop, undefined)
      const ended = yield* Effect.forEach(readers, (f) => Fiber.join(f)).pipe(Effect.timeout("5 seconds"))
      expect(ended.map(Chunk.size)).toEqual([2, 2])
      expect(hub.stats().pages).toBe(0)
    })))
})
