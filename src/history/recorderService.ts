/**
 * The history recorder's service shape and tag, apart from its implementation (recorder.ts) so
 * that the web API can look for a recorder without loading the history writer.
 */
import { Context, type Effect } from "effect"
import type { HistoryIoError } from "./errors.js"
import type { TagIoEvent } from "./historize.js"
import type { WriterStats } from "./writer.js"

/** Counters of a recorder (and of its writer). */
export interface RecorderStats {
  /** Events handed to the writer. */
  readonly recorded: number
  /** Events waiting to be handed over. */
  readonly pending: number
  /** Events not recorded because `maxPending` were already waiting (0 unless the writer fell behind). */
  readonly overflowed: number
  readonly writer: WriterStats
}

export interface HistoryRecorderService {
  /** Take an event (synchronous; never throws, never blocks). */
  readonly record: (event: TagIoEvent) => void
  /** True while more events wait than the writer should have behind it: slow the clients down. */
  readonly congested: () => boolean
  readonly stats: Effect.Effect<RecorderStats>
  /** The same, read synchronously (for the web API's alarms). */
  readonly unsafeStats: () => RecorderStats
  /** Hand every waiting event to the writer and flush it. */
  readonly sync: Effect.Effect<void, HistoryIoError>
}

/** The recorder of a running simulator (the web API reports its losses, if any). */
export class HistoryRecorder extends Context.Tag("cpppo/history/HistoryRecorder")<HistoryRecorder, HistoryRecorderService>() {}

