/**
 * The live feed behind the page: Server-Sent Events carrying periodic snapshots of the whole
 * simulator and batches of tag I/O events from the TagStore as they happen, built once for all
 * pages by the live hub.
 *
 * - `event: snapshot` (at once, then every `interval`, and right after any command changed
 *   something): options, server control, connections and every tag with its first values;
 * - `event: tags` (within `batch` of an access): the latest values per tag range read or written,
 *   and errors, coalesced so a busy client cannot flood the browser.
 */
import { type Duration, Effect, Exit, Queue, Schedule, Scope, Stream } from "effect"
import type { TagEvent } from "../tags/events.js"
import { type ApiServices, peekValues, tagPath } from "./groups.js"
import { jsonValue } from "./convert.js"

/** Values of each tag shown on the page (longer arrays are cut, and say so). */
export const PAGE_VALUES = 100

export interface SnapshotTag {
  readonly type: string
  readonly count: number
  readonly scalar: boolean
  readonly error: number
  readonly path: string
  readonly values: ReadonlyArray<boolean | number | string>
}

export interface Snapshot {
  readonly until: number
  readonly tokenRequired: boolean
  readonly delay: { readonly value: number; readonly range: string | null }
  readonly control: { readonly disable: boolean; readonly done: boolean; readonly latency: number; readonly timeout: number }
  readonly stats: { readonly accepted: number; readonly refused: number; readonly closed: number }
  readonly connections: Record<string, { interface: string; port: number; received: number; requests: number; eof: boolean }>
  readonly tags: Record<string, SnapshotTag>
}

/** The state of everything, read without side effects (no tag events, forced errors ignored). */
export const snapshot = (s: ApiServices, tokenRequired: boolean): Effect.Effect<Snapshot> =>
  Effect.gen(function* () {
    const st = s.control.unsafeState()
    const tags: Record<string, SnapshotTag> = {}
    for (const t of s.tags.tags) {
      const values = yield* Effect.orElseSucceed(peekValues(t, 0, PAGE_VALUES), () => [])
      tags[t.name] = { type: t.type, count: t.count, scalar: t.scalar, error: t.error?.status ?? 0, path: tagPath(t), values: values.map(jsonValue) }
    }
    const connections: Snapshot["connections"] = {}
    for (const e of s.registry.entries()) {
      connections[e.key] = { interface: e.interface, port: e.port, received: e.received, requests: e.requests, eof: e.eof }
    }
    return {
      until: Date.now() / 1000,
      tokenRequired,
      delay: { value: st.delay.value, range: st.delay.range === undefined ? null : `${st.delay.range[0]}-${st.delay.range[1]}` },
      control: { disable: st.disabled, done: st.done, latency: st.latency, timeout: st.timeout },
      stats: s.registry.stats(),
      connections,
      tags
    }
  })

/** One tag event as the page gets it (JSON-safe values). */
export interface LiveEvent {
  readonly name: string
  readonly kind: TagEvent["kind"]
  readonly start: number
  readonly count: number
  readonly values?: ReadonlyArray<boolean | number | string>
  readonly error?: string
  readonly at: number
}

/** Most distinct (tag, kind, range) entries one batch carries; the oldest are dropped beyond it. */
export const MAX_BATCH = 500

/** Add an event to a batch, replacing an earlier one for the same (tag, kind, range). */
const coalesceInto = (batch: Map<string, TagEvent>, e: TagEvent): Map<string, TagEvent> => {
  const k = `${e.name}\u0000${e.kind}\u0000${e.start}\u0000${e.count}`
  batch.delete(k)
  batch.set(k, e)
  if (batch.size > MAX_BATCH) batch.delete(batch.keys().next().value!)
  return batch
}

const toLive = (e: TagEvent): LiveEvent => ({
  name: e.name,
  kind: e.kind,
  start: e.start,
  count: e.count,
  ...(e.values !== undefined ? { values: e.values.slice(0, PAGE_VALUES).map(jsonValue) } : {}),
  ...(e.error !== undefined ? { error: e.error } : {}),
  at: e.at
})

/**
 * Keep the last event per (tag, kind, range), in order of their last occurrence, at most
 * MAX_BATCH of them: the page's cost stays bounded however busy the clients are.
 */
export const coalesce = (events: Iterable<TagEvent>): Array<LiveEvent> => {
  const batch = new Map<string, TagEvent>()
  for (const e of events) coalesceInto(batch, e)
  return Array.from(batch.values(), toLive)
}

const encoder = new TextEncoder()

/** One SSE message (data lines never contain raw newlines: JSON escapes them). */
export const sseMessage = (event: string, data: unknown): Uint8Array =>
  encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)

export interface LiveOptions {
  readonly interval: Duration.DurationInput
  /** Emits when a command changed something: an extra snapshot goes out at once. */
  readonly changed: Stream.Stream<void>
  readonly batch: Duration.DurationInput
  readonly tokenRequired: boolean
  /** Most pages at once (default 100); more are refused (HTTP 503). */
  readonly maxStreams?: number
  /**
   * Bytes a page may have waiting (ours plus node's buffer) before it counts as not reading and
   * is dropped (default 256 KiB).
   */
  readonly maxBacklog?: number
}

/** Counters of the live hub (the cost of N pages is one aggregation and one encoding per tick). */
export interface LiveStats {
  /** Pages open now. */
  readonly pages: number
  /** Tag events taken in (each once, however many pages). */
  readonly events: number
  /** Messages encoded (each once, then shared by every page). */
  readonly messages: number
  /** Pages dropped because they did not read. */
  readonly dropped: number
  /** Pages refused because `maxStreams` were open. */
  readonly refused: number
}

/** One page's end of the hub. */
export interface LivePage {
  /** The SSE bytes for this page; runs until the page goes, is dropped, or the server stops. */
  readonly stream: Stream.Stream<Uint8Array>
}

export interface LiveHub {
  /**
   * Open a page: undefined when `maxStreams` are open. `backlog` reads the bytes node still holds
   * for the page (its socket's unsent data), `destroy` cuts its connection (a page that does not read).
   */
  readonly open: (connection: { readonly backlog: () => number; readonly destroy: () => void }) => Effect.Effect<LivePage | undefined>
  readonly stats: () => LiveStats
}

interface Page {
  readonly queue: Queue.Queue<Uint8Array>
  readonly backlog: () => number
  readonly destroy: () => void
  queued: number
  gone: boolean
}

/**
 * The live hub: one subscription to tag events (a TagStore sink, held only while a page is open),
 * coalesced once per `batch` into one message, and one snapshot per `interval` (or after a
 * command), each encoded once and handed to every page. A page has its own queue of those shared
 * messages; one whose backlog passes `maxBacklog` does not read, and is dropped. So the cost of a
 * tag access does not grow with the number of pages, and no page buffers without bound.
 */
export const makeLiveHub = (s: ApiServices, options: LiveOptions, stop: Effect.Effect<void>): Effect.Effect<LiveHub, never, Scope.Scope> =>
  Effect.gen(function* () {
    const maxStreams = options.maxStreams ?? 100
    const maxBacklog = options.maxBacklog ?? 256 * 1024
    const pages = new Set<Page>()
    const counts = { events: 0, messages: 0, dropped: 0, refused: 0 }
    let batch = new Map<string, TagEvent>()
    let sinkScope: Scope.CloseableScope | undefined
    const hello = encoder.encode(`retry: 1000\n\n`)
    let lastSnapshot: { readonly at: number; readonly bytes: Uint8Array } | undefined

    const sink = (e: TagEvent) => {
      counts.events++
      coalesceInto(batch, e)
    }
    const drop = (p: Page) => {
      if (p.gone) return
      p.gone = true
      pages.delete(p)
      Effect.runSync(Queue.shutdown(p.queue))
      p.destroy()
    }
    const broadcast = (bytes: Uint8Array) => {
      counts.messages++
      for (const p of pages) {
        if (p.queued + p.backlog() + bytes.length > maxBacklog) {
          counts.dropped++
          drop(p)
          continue
        }
        p.queued += bytes.length
        p.queue.unsafeOffer(bytes)
      }
    }
    const snapshotBytes = Effect.map(snapshot(s, options.tokenRequired), (snap) => {
      const bytes = sseMessage("snapshot", snap)
      lastSnapshot = { at: Date.now(), bytes }
      return bytes
    })

    const sendSnapshot = Effect.suspend(() => (pages.size === 0 ? Effect.void : Effect.map(snapshotBytes, broadcast)))
    const sendTags = Effect.sync(() => {
      if (batch.size === 0 || pages.size === 0) return
      const message = sseMessage("tags", Array.from(batch.values(), toLive))
      batch = new Map()
      broadcast(message)
    })
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(options.batch), sendTags)))
    const ticks = Stream.merge(Stream.as(Stream.fromSchedule(Schedule.spaced(options.interval)), undefined), options.changed)
    yield* Effect.forkScoped(Stream.runForEach(ticks, () => sendSnapshot))
    // At shutdown every page's stream ends, so the HTTP server can close.
    yield* Effect.forkScoped(Effect.zipRight(stop, Effect.sync(() => { for (const p of [...pages]) { p.gone = true; pages.delete(p); Effect.runSync(Queue.shutdown(p.queue)) } })))

    const attach = Effect.suspend(() => {
      if (sinkScope !== undefined) return Effect.void
      return Effect.flatMap(Scope.make(), (scope) => {
        sinkScope = scope
        return Scope.extend(s.tags.addSink(sink), scope)
      })
    })
    const detach = Effect.suspend(() => {
      if (pages.size > 0 || sinkScope === undefined) return Effect.void
      const scope = sinkScope
      sinkScope = undefined
      batch = new Map()
      return Scope.close(scope, Exit.void)
    })

    const open: LiveHub["open"] = (connection) =>
      Effect.gen(function* () {
        if (pages.size >= maxStreams) {
          counts.refused++
          return undefined
        }
        const page: Page = { queue: yield* Queue.unbounded<Uint8Array>(), backlog: connection.backlog, destroy: connection.destroy, queued: 0, gone: false }
        pages.add(page)
        yield* attach
        // The first snapshot: a recent one is shared (many pages opening at once cost one).
        const first = lastSnapshot !== undefined && Date.now() - lastSnapshot.at < 250 ? lastSnapshot.bytes : yield* snapshotBytes
        const leave = Effect.suspend(() => {
          if (!page.gone) { page.gone = true; pages.delete(page) }
          return Effect.zipRight(Queue.shutdown(page.queue), detach)
        })
        const stream = Stream.concat(
          Stream.make(hello, first),
          Stream.fromQueue(page.queue).pipe(Stream.tap((m) => Effect.sync(() => { page.queued -= m.length })))
        ).pipe(Stream.ensuring(leave))
        return { stream }
      })

    return { open, stats: () => ({ pages: pages.size, ...counts }) }
  })
