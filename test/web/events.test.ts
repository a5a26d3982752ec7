import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import { ServerControl, ServerControlLive } from "../../src/server/control.js"
import { ConnectionRegistryLive } from "../../src/server/registry.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { coalesce, type LiveEvent, MAX_BATCH, type Snapshot } from "../../src/web/live.js"
import { WebApiLive, WebServer } from "../../src/web/server.js"
import { addSession, TAGS, webEnv } from "./fixture.js"

interface SseMessage { readonly event: string; readonly data: unknown }

/** Open /events and hand back a function that waits for the next message matching a predicate. */
const openEvents = Effect.gen(function* () {
  const { url } = yield* WebServer
  const ctrl = new AbortController()
  yield* Effect.addFinalizer(() => Effect.sync(() => ctrl.abort()))
  const res = yield* Effect.promise(() => fetch(`${url}/events`, { signal: ctrl.signal }))
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  const pending: Array<SseMessage> = []
  const pull = async (): Promise<void> => {
    const { value, done } = await reader.read()
    if (done) throw new Error("event stream ended")
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (event !== undefined && data !== undefined) pending.push({ event, data: JSON.parse(data) })
    }
  }
  // A read left pending by a timed-out wait still lands in `pending` for the next wait.
  const next = <A>(pred: (m: SseMessage) => boolean, ms = 3000) =>
    Effect.tryPromise({
      try: async () => {
        for (;;) {
          const i = pending.findIndex(pred)
          if (i >= 0) return pending.splice(i, 1)[0]!.data as A
          await pull()
        }
      },
      catch: (e) => e as Error
    }).pipe(Effect.timeoutFail({ duration: ms, onTimeout: () => new Error("no matching event in time") }))
  return { headers: res.headers, next }
})

describe("live feed (SSE)", () => {
  it.live("sends a snapshot at once, then periodically, with tags, connections and control", () => Effect.gen(function* () {
    const control = yield* ServerControl
    yield* addSession("127.0.0.1", 50000)
    const feed = yield* openEvents
    expect(feed.headers.get("content-type")).toMatch(/^text\/event-stream/)
    expect(feed.headers.get("cache-control")).toBe("no-cache")
    const first = yield* feed.next<Snapshot>((m) => m.event === "snapshot")
    expect(first.tags["SCADA"]).toEqual({ type: "INT", count: 10, scalar: false, error: 0, path: "SCADA", values: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] })
    expect(first.connections["127_0_0_1_50000"]).toMatchObject({ interface: "127.0.0.1", port: 50000, requests: 2 })
    expect(first.control.disable).toBe(false)
    expect(first.tokenRequired).toBe(false)
    yield* control.setDisabled(true)
    const later = yield* feed.next<Snapshot>((m) => m.event === "snapshot" && (m.data as Snapshot).control.disable)
    expect(later.until).toBeGreaterThan(first.until)
  }).pipe(Effect.provide(webEnv()), Effect.scoped))

  it.live("forwards TagStore writes, reads and errors as they happen", () => Effect.gen(function* () {
    const store = yield* TagStore
    const feed = yield* openEvents
    yield* feed.next((m) => m.event === "snapshot") // subscribed by now
    yield* store.write("SCADA", 2, [42, 43])
    const writes = yield* feed.next<Array<LiveEvent>>((m) => m.event === "tags" && (m.data as Array<LiveEvent>).some((e) => e.kind === "write"))
    expect(writes.find((e) => e.kind === "write")).toMatchObject({ name: "SCADA", kind: "write", start: 2, count: 2, values: [42, 43] })
    yield* store.setError("SCADA", { status: 8 })
    yield* Effect.either(store.read("SCADA", 0, 1))
    const errors = yield* feed.next<Array<LiveEvent>>((m) => m.event === "tags" && (m.data as Array<LiveEvent>).some((e) => e.kind === "error"))
    expect(errors.find((e) => e.kind === "error")!.error).toMatch(/Status 8/)
    // The snapshot shows the forced error, and values despite it.
    const snap = yield* feed.next<Snapshot>((m) => m.event === "snapshot" && (m.data as Snapshot).tags["SCADA"]!.error === 8)
    expect(snap.tags["SCADA"]!.values.slice(0, 4)).toEqual([0, 0, 42, 43])
  }).pipe(Effect.provide(webEnv()), Effect.scoped))

  it.live("a command that changes something sends a snapshot at once, not at the next tick", () => Effect.gen(function* () {
    const feed = yield* openEvents
    const first = yield* feed.next<Snapshot>((m) => m.event === "snapshot")
    expect(first.delay.value).toBe(0)
    const { url } = yield* WebServer
    const t0 = Date.now()
    yield* Effect.promise(() => fetch(`${url}/api/options/delay/value=0.25`).then((r) => r.text()))
    const next = yield* feed.next<Snapshot>((m) => m.event === "snapshot", 2000)
    expect(next.delay.value).toBe(0.25)
    expect(Date.now() - t0).toBeLessThan(2000) // the interval is 10 s
    // A refused (bad) command sends nothing extra.
    yield* Effect.promise(() => fetch(`${url}/api/options/delay/value=x`).then((r) => r.text()))
    const none = yield* Effect.either(feed.next<Snapshot>((m) => m.event === "snapshot", 500))
    expect(none._tag).toBe("Left")
  }).pipe(Effect.provide(webEnv({ snapshotInterval: "10 seconds" })), Effect.scoped))

  it.live("a flood of client I/O reaches the page as a few bounded batches ending with the latest values", () => Effect.gen(function* () {
    const store = yield* TagStore
    const feed = yield* openEvents
    yield* feed.next((m) => m.event === "snapshot")
    const tag = store.find("SCADA")!
    // 60 000 accesses as fast as the controller's synchronous path makes them (under the TagStore's
    // 65 536-event subscriber buffer: beyond it the TagStore itself drops events).
    for (let i = 0; i < 60_000; i++) store.writeBytes(tag, i % 10, 1, new Uint8Array([i & 0xff, 0]))
    const batches: Array<Array<LiveEvent>> = []
    for (;;) {
      const b = yield* Effect.either(feed.next<Array<LiveEvent>>((m) => m.event === "tags", 400))
      if (b._tag === "Left") break
      batches.push(b.right)
    }
    expect(batches.length).toBeGreaterThan(0)
    expect(batches.length).toBeLessThan(10) // batching by count (4096 events) would send 15
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(MAX_BATCH)
    // Every element's last write is in the last batch that mentions it.
    const latest = new Map<number, unknown>()
    for (const b of batches) for (const e of b) if (e.kind === "write") latest.set(e.start, e.values![0])
    expect(Array.from({ length: 10 }, (_, i) => latest.get(i))).toEqual(Array.from({ length: 10 }, (_, i) => (59_990 + i) & 0xff))
  }).pipe(Effect.provide(webEnv()), Effect.scoped))

  it.live("says when commands need a token", () => Effect.gen(function* () {
    const feed = yield* openEvents
    const snap = yield* feed.next<Snapshot>((m) => m.event === "snapshot")
    expect(snap.tokenRequired).toBe(true)
  }).pipe(Effect.provide(webEnv({ token: "t" })), Effect.scoped))

  it("keeps at most MAX_BATCH entries, the most recent", () => {
    const out = coalesce(Array.from({ length: MAX_BATCH + 7 }, (_, i) => ({ name: "A", kind: "read" as const, start: i, count: 1, values: [i], at: 1 })))
    expect(out.length).toBe(MAX_BATCH)
    expect(out[0]!.start).toBe(7)
    expect(out[MAX_BATCH - 1]!.start).toBe(MAX_BATCH + 6)
  })

  it("coalesces a burst to the last event per tag range, JSON-safe", () => {
    const at = 1
    const out = coalesce([
      { name: "A", kind: "write", start: 0, count: 1, values: [1], at },
      { name: "B", kind: "read", start: 0, count: 1, values: [5n], at },
      { name: "A", kind: "write", start: 0, count: 1, values: [2], at },
      { name: "A", kind: "write", start: 1, count: 1, values: [3], at }
    ])
    expect(out).toEqual([
      { name: "B", kind: "read", start: 0, count: 1, values: [5], at },
      { name: "A", kind: "write", start: 0, count: 1, values: [2], at },
      { name: "A", kind: "write", start: 1, count: 1, values: [3], at }
    ])
  })
})

/** The web server as the simulator starts it: no snapshot interval or event batch given. */
const defaultEnv = () =>
  WebApiLive({ host: "127.0.0.1", port: 0 }).pipe(
    Layer.provideMerge(Layer.mergeAll(ServerControlLive(), ConnectionRegistryLive, TagStore.layer(TAGS).pipe(Layer.orDie)))
  )

describe("live feed defaults", () => {
  // Counted over a few periods, so the count tells the period apart from 10× more or less.
  it.live("a snapshot at once, then one every second: 1 + 3 in 3.5 s", () => Effect.gen(function* () {
    const feed = yield* openEvents
    const snapshots: Array<Snapshot> = []
    const started = Date.now()
    while (Date.now() - started < 3500) {
      const m = yield* Effect.either(feed.next<Snapshot>((x) => x.event === "snapshot", Math.max(1, 3500 - (Date.now() - started))))
      if (m._tag === "Right") snapshots.push(m.right)
    }
    expect(snapshots.length).toBeGreaterThanOrEqual(3)
    expect(snapshots.length).toBeLessThanOrEqual(5)
    // The server's own clock: consecutive snapshots about a second apart.
    for (let i = 2; i < snapshots.length; i++) expect(snapshots[i]!.until - snapshots[i - 1]!.until).toBeGreaterThan(0.8)
  }).pipe(Effect.provide(defaultEnv()), Effect.scoped))

  it.live("tag events are gathered for 100 ms: writes every 10 ms for 1 s arrive in about 10 batches", () => Effect.gen(function* () {
    const store = yield* TagStore
    const feed = yield* openEvents
    yield* feed.next((m) => m.event === "snapshot")
    const writer = yield* Effect.fork(Effect.gen(function* () {
      for (let i = 0; i < 100; i++) {
        yield* Effect.orDie(store.write("SCADA", i % 10, [i]))
        yield* Effect.sleep("10 millis")
      }
    }))
    const batches: Array<Array<LiveEvent>> = []
    for (;;) {
      const b = yield* Effect.either(feed.next<Array<LiveEvent>>((m) => m.event === "tags", 1500))
      if (b._tag === "Left") break
      batches.push(b.right)
    }
    yield* Fiber.join(writer)
    // 100 ms batches over ~1 s (or longer on a busy runner): 10 at the ideal pace; a 10 ms batch
    // would send ~100, a 1 s batch 1 or 2.
    expect(batches.length).toBeGreaterThanOrEqual(5)
    expect(batches.length).toBeLessThanOrEqual(25)
    expect(batches.flat().some((e) => e.kind === "write" && e.values![0] === 99)).toBe(true)
  }).pipe(Effect.provide(defaultEnv()), Effect.scoped), 30_000)
})
