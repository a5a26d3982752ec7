/**
 * The live feed behind the page: Server-Sent Events carrying periodic snapshots of the whole
 * simulator and batches of tag I/O events from the TagStore as they happen.
 *
 * - `event: snapshot` (at once, then every `interval`, and right after any command changed
 *   something): options, server control, connections and every tag with its first values;
 * - `event: tags` (within `batch` of an access): the latest values per tag range read or written,
 *   and errors, coalesced so a busy client cannot flood the browser.
 */
import { type Duration, Effect, Schedule, Sink, Stream } from "effect"
import type { TagEvent } from "../tags/events.js"
import { type ApiServices, peekValues, tagPath } from "./groups.js"
import { type JsonValue, jsonValue } from "./convert.js"

/** Values of each tag shown on the page (longer arrays are cut, and say so). */
export const PAGE_VALUES = 100

export interface SnapshotTag {
  readonly type: string
  readonly count: number
  readonly scalar: boolean
  readonly error: number
  readonly path: string
  readonly values: ReadonlyArray<JsonValue>
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
  readonly values?: ReadonlyArray<JsonValue>
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
}

/**
 * The SSE byte stream for one page. It ends when `stop` completes (server shutdown), so the
 * HTTP server can close; otherwise it runs until the browser goes away.
 */
export const liveStream = (s: ApiServices, options: LiveOptions, stop: Effect.Effect<void>): Stream.Stream<Uint8Array> => {
  const hello = Stream.make(encoder.encode(`retry: 1000\n\n`))
  const ticks = Stream.merge(Stream.as(Stream.fromSchedule(Schedule.spaced(options.interval)), undefined), options.changed)
  const snapshots = Stream.concat(Stream.succeed(undefined), ticks).pipe(
    Stream.mapEffect(() => Effect.map(snapshot(s, options.tokenRequired), (snap) => sseMessage("snapshot", snap)))
  )
  // One message per `batch` period at most (not per N events), so a flood of client I/O costs
  // the browser at most MAX_BATCH entries per period.
  const tagEvents = s.tags.events.pipe(
    Stream.aggregateWithin(Sink.suspend(() => Sink.foldLeft(new Map<string, TagEvent>(), coalesceInto)), Schedule.spaced(options.batch)),
    Stream.filter((batch) => batch.size > 0),
    Stream.map((batch) => sseMessage("tags", Array.from(batch.values(), toLive)))
  )
  return Stream.concat(hello, Stream.merge(snapshots, tagEvents)).pipe(Stream.interruptWhen(stop))
}
