/**
 * What a history file holds, read once before a replay: the tags it records (the largest
 * element index of each, and its type — as the poller recorded it, or inferred from the values),
 * its time span and record count. Replay creates the tags the command line does not give.
 */
import { Effect, Either, Stream } from "effect"
import type { TypeName } from "../cip/types.js"
import { readHistory, type ReadError, seriesFiles } from "../history/reader.js"
import { tagRecordOf } from "../history/tagRecord.js"
import type { Timestamp } from "../history/timestamp.js"
import type { HistoryIoError } from "../history/errors.js"
import { parseTagSpec, SPEC_TYPES, type TagSpec } from "../tags/spec.js"

/** A tag as a history file records it. */
export interface RecordedTag {
  /** The name as first recorded. */
  readonly name: string
  /** Elements: the largest index recorded, plus one. */
  readonly count: number
  readonly type: TypeName
  /** True when the file says the type (the poller records it); false when inferred from values. */
  readonly typeRecorded: boolean
}

/** A history file (series) summed up. */
export interface HistoryScan {
  readonly files: ReadonlyArray<string>
  readonly tags: ReadonlyMap<string, RecordedTag>
  readonly records: number
  readonly first: Timestamp | undefined
  readonly last: Timestamp | undefined
}

interface Seen {
  name: string
  count: number
  recorded: TypeName | undefined
  bools: boolean
  numbers: boolean
  fractions: boolean
  big: boolean
  strings: number
}

const DINT_MAX = 2 ** 31

/** The type values were most likely stored as: booleans BOOL, fractions REAL, integers DINT (LINT beyond), text STRING. */
const inferred = (s: Seen): TypeName =>
  s.strings > 0 ? (s.strings > 82 ? "SSTRING" : "STRING")
    : s.numbers ? (s.fractions ? "REAL" : s.big ? "LINT" : "DINT")
    : s.bools ? "BOOL" : "DINT"

/** Read a history series (`plant.hst.gz` and its rotations) once and sum up its tags. */
export const scanHistory = (file: string): Effect.Effect<HistoryScan, ReadError | HistoryIoError> =>
  Effect.gen(function* () {
    const files = yield* seriesFiles(file)
    const seen = new Map<string, Seen>()
    let records = 0
    let first: Timestamp | undefined
    let last: Timestamp | undefined
    yield* Stream.runForEach(readHistory(files), (r) => Effect.sync(() => {
      records++
      first ??= r.time
      last = r.time
      const t = tagRecordOf(r)
      if (t === undefined) return
      const key = t.name.toLowerCase()
      let s = seen.get(key)
      if (s === undefined) {
        s = { name: t.name, count: 0, recorded: undefined, bools: false, numbers: false, fractions: false, big: false, strings: 0 }
        seen.set(key, s)
      }
      s.count = Math.max(s.count, t.start + t.count)
      if (t.type !== undefined && (SPEC_TYPES as ReadonlyArray<string>).includes(t.type)) s.recorded = t.type as TypeName
      for (const v of t.values ?? []) {
        if (typeof v === "boolean") s.bools = true
        else if (typeof v === "string") s.strings = Math.max(s.strings, v.length, 1)
        else {
          s.numbers = true
          if (!Number.isInteger(v)) s.fractions = true
          else if (Math.abs(v) >= DINT_MAX) s.big = true
        }
      }
    }))
    const tags = new Map<string, RecordedTag>()
    for (const [key, s] of seen) {
      tags.set(key, { name: s.name, count: Math.max(1, s.count), type: s.recorded ?? inferred(s), typeRecorded: s.recorded !== undefined })
    }
    return { files, tags, records, first, last }
  })

/**
 * The tag specs of a replay: those given (they win: name, type and size), then one per recorded
 * tag not given. Returns also the recorded names no tag can be made for (a structure member).
 */
export const replayTagSpecs = (
  scan: HistoryScan,
  given: ReadonlyArray<TagSpec>
): { readonly specs: ReadonlyArray<TagSpec>; readonly skipped: ReadonlyArray<string> } => {
  const names = new Set(given.map((s) => s.name.toLowerCase()))
  const specs: Array<TagSpec> = [...given]
  const skipped: Array<string> = []
  for (const [key, t] of scan.tags) {
    if (names.has(key)) continue
    const spec = parseTagSpec(`${t.name}=${t.type}${t.count > 1 ? `[${t.count}]` : ""}`)
    if (Either.isLeft(spec)) skipped.push(t.name)
    else specs.push(spec.right)
  }
  return { specs, skipped }
}
