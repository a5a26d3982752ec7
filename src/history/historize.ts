/**
 * historize: record tag I/O (reads, writes, failures) as history, in cpppo's shape:
 * `2014-07-16 04:03:44.186\t["SCADA", [0, 3]]\t{"write": [0, 1, 2, 3]}`
 * The serial is `[tag name, [first index, last index]]`; the data is `{"read": values}`,
 * `{"write": values}` or `{"error": message}`.
 */
import { Chunk, Effect, Stream } from "effect"
import type { HistoryIoError } from "./errors.js"
import { Timestamp } from "./timestamp.js"
import { HistoryWriter, type RecordInput } from "./writer.js"

/** A tag I/O event, as the simulator publishes it. */
export type TagIoEvent = {
  readonly name: string
  readonly kind: "read" | "write" | "error"
  readonly start: number
  readonly count: number
  readonly values?: ReadonlyArray<unknown>
  readonly error?: string
  /** When it happened (epoch ms); default the time it is recorded. */
  readonly at?: number
}

/** The serial and data of an event's record. */
export const tagIoRecord = (event: TagIoEvent): { readonly serial: unknown; readonly data: unknown } => {
  const serial = [event.name, [event.start, event.start + Math.max(1, event.count) - 1]]
  const data = event.kind === "error"
    ? { error: event.error ?? "unknown error" }
    : { [event.kind]: event.values ?? [] }
  return { serial, data }
}

/** The records of events, for `HistoryWriter.appendAll`. */
export function* recordInputs(events: Iterable<TagIoEvent>): Generator<RecordInput> {
  for (const e of events) {
    const { serial, data } = tagIoRecord(e)
    yield e.at === undefined ? { serial, data } : { serial, data, time: Timestamp.fromMillis(e.at) }
  }
}

/** Append one event through the HistoryWriter. */
export const historizeEvent = (event: TagIoEvent): Effect.Effect<void, HistoryIoError, HistoryWriter> =>
  Effect.flatMap(HistoryWriter, (writer) => {
    const { serial, data } = tagIoRecord(event)
    return writer.append(serial, data, event.at === undefined ? undefined : Timestamp.fromMillis(event.at))
  })

/**
 * Consume a stream of tag I/O events, appending a record for each (a chunk at a time). Runs until
 * the stream ends (or is interrupted). The writer keeps what it cannot write yet and reports it
 * (see HistoryWriter), so history problems never stop the simulator. For the simulator's own
 * record of every access, see `makeHistoryRecorder` (a Stream from a sliding PubSub can drop events).
 */
export const historize = <E, R>(events: Stream.Stream<TagIoEvent, E, R>): Effect.Effect<void, E, R | HistoryWriter> =>
  Effect.flatMap(HistoryWriter, (writer) =>
    Stream.runForEachChunk(events, (chunk) =>
      // A chunk taken from the stream is appended whole, even if interrupted meanwhile.
      Effect.uninterruptible(writer.appendAll(recordInputs(Chunk.toReadonlyArray(chunk)))).pipe(
        Effect.catchAll((e) => Effect.logWarning("historize: records kept for a later write", e.message))
      )))
