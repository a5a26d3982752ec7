/**
 * Time series of tag elements from history records (`["SCADA", [0, 3]]` + `{"write": [...]}` or
 * `{"read": [...]}`): one series per selected element (`SCADA[0]` … `SCADA[3]`), for plots and
 * trends. Numbers and booleans (as 0/1) are plotted; strings and failures are not.
 */
import { Either } from "effect"
import type { HistoryRecord } from "./record.js"

/** One point: epoch milliseconds and a value. */
export interface SeriesPoint {
  readonly t: number
  readonly v: number
}

/**
 * The values of one tag element over time, in time order: `times[i]` (epoch ms) and `values[i]`.
 * Columns of numbers rather than point objects, so millions of points fit in little memory.
 */
export interface Series {
  /** `SCADA[2]`, or `Speed` for a tag selected without an index that only has element 0. */
  readonly name: string
  readonly tag: string
  readonly index: number
  readonly times: Float64Array
  readonly values: Float64Array
}

/** A series from points (sorted by time here). */
export const seriesFromPoints = (name: string, points: ReadonlyArray<SeriesPoint>, tag = name, index = 0): Series => {
  const sorted = [...points].sort((a, b) => a.t - b.t)
  return { name, tag, index, times: Float64Array.from(sorted, (p) => p.t), values: Float64Array.from(sorted, (p) => p.v) }
}

/** A series' points, as objects (for small series: tests, JSON). */
export const seriesPoints = (s: Series): Array<SeriesPoint> => Array.from(s.times, (t, i) => ({ t, v: s.values[i]! }))

/** Growable columns of one series while records are read. */
class Columns {
  times = new Float64Array(64)
  values = new Float64Array(64)
  length = 0
  sorted = true
  push(t: number, v: number): void {
    if (this.length === this.times.length) {
      const times = new Float64Array(this.length * 2)
      const values = new Float64Array(this.length * 2)
      times.set(this.times)
      values.set(this.values)
      this.times = times
      this.values = values
    }
    if (this.length > 0 && t < this.times[this.length - 1]!) this.sorted = false
    this.times[this.length] = t
    this.values[this.length++] = v
  }
  /** Exact-length columns in time order (files read out of order are sorted, stably). */
  finish(): { times: Float64Array; values: Float64Array } {
    const times = this.times.slice(0, this.length)
    const values = this.values.slice(0, this.length)
    if (this.sorted) return { times, values }
    const order = Array.from({ length: this.length }, (_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b)
    return { times: Float64Array.from(order, (i) => times[i]!), values: Float64Array.from(order, (i) => values[i]!) }
  }
}

/** A selection: a tag (case-insensitive) and an element range; no range means every element. */
export interface TagSelection {
  readonly name: string
  readonly first?: number | undefined
  readonly last?: number | undefined
}

const SELECTION = /^\s*([A-Za-z_:][\w:.]*)\s*(?:\[\s*(\d+)\s*(?:-\s*(\d+)\s*)?\])?\s*$/

/** Parse `SCADA[0-3],Speed,TEXT[2]` (commas or spaces between). */
export const parseTagSelection = (text: string): Either.Either<ReadonlyArray<TagSelection>, string> => {
  const out: Array<TagSelection> = []
  for (const part of text.split(/[,\s]+(?![^[]*\])/).filter((p) => p.trim() !== "")) {
    const m = SELECTION.exec(part)
    if (m === null) return Either.left(`bad tag selection ${JSON.stringify(part)}: expected NAME, NAME[i] or NAME[a-b]`)
    const first = m[2] === undefined ? undefined : Number(m[2])
    const last = m[3] === undefined ? first : Number(m[3])
    if (first !== undefined && last !== undefined && last < first) return Either.left(`bad tag selection ${JSON.stringify(part)}: range ends before it starts`)
    out.push({ name: m[1]!, first, last })
  }
  if (out.length === 0) return Either.left("no tags selected")
  return Either.right(out)
}

/** The `[name, [first, last]]` serial of a tag record, if it is one. */
const tagSerial = (serial: unknown): { name: string; first: number; last: number } | undefined => {
  if (!Array.isArray(serial) || serial.length !== 2 || typeof serial[0] !== "string") return undefined
  const range: unknown = serial[1]
  if (!Array.isArray(range) || range.length !== 2 || !Number.isInteger(range[0]) || !Number.isInteger(range[1])) return undefined
  return { name: serial[0], first: range[0] as number, last: range[1] as number }
}

/** The values of a read or write record (undefined for failures and other data). */
export const recordValues = (data: unknown): ReadonlyArray<unknown> | undefined => {
  if (typeof data !== "object" || data === null) return undefined
  const d = data as Record<string, unknown>
  const values = Array.isArray(d["write"]) ? d["write"] : Array.isArray(d["read"]) ? d["read"] : undefined
  return values as ReadonlyArray<unknown> | undefined
}

/** A plottable number, or undefined. */
export const plotValue = (v: unknown): number | undefined =>
  typeof v === "number" ? (Number.isFinite(v) ? v : undefined)
    : typeof v === "boolean" ? (v ? 1 : 0)
    : typeof v === "bigint" ? Number(v)
    : undefined

/** Gathers series from records, one at a time (constant memory per point kept). */
export interface SeriesCollector {
  /** Add a record; returns false (and keeps nothing more) once more than `maxSeries` would exist. */
  readonly add: (record: HistoryRecord) => boolean
  /** The series, in selection order, then index order. */
  readonly series: () => ReadonlyArray<Series>
  /** How many series there would be (may exceed `maxSeries`). */
  readonly count: () => number
}

/**
 * Collect the series of `selection` (every tag and element when undefined) from records.
 * `maxSeries` bounds the number of series kept (a file of many tags plotted without --tags).
 */
export const collectSeries = (selection: ReadonlyArray<TagSelection> | undefined, maxSeries = 64): SeriesCollector => {
  const wanted = selection?.map((s, order) => ({ ...s, key: s.name.toLowerCase(), order }))
  const byKey = new Map<string, { tag: string; index: number; order: number; bare: boolean; columns: Columns }>()
  let overflow = 0
  const add = (record: HistoryRecord): boolean => {
    const serial = tagSerial(record.serial)
    if (serial === undefined) return true
    const values = recordValues(record.data)
    if (values === undefined) return true
    const lower = serial.name.toLowerCase()
    const t = record.time.millis
    for (let i = serial.first; i <= serial.last && i - serial.first < values.length; i++) {
      let order = 0
      let bare = false
      if (wanted !== undefined) {
        const w = wanted.find((s) => s.key === lower && (s.first === undefined || (i >= s.first && i <= (s.last ?? s.first))))
        if (w === undefined) continue
        order = w.order
        bare = w.first === undefined
      } else bare = true
      const v = plotValue(values[i - serial.first])
      if (v === undefined) continue
      const key = `${lower}\u0000${i}`
      let s = byKey.get(key)
      if (s === undefined) {
        if (byKey.size >= maxSeries) {
          overflow++
          continue
        }
        s = { tag: serial.name, index: i, order, bare, columns: new Columns() }
        byKey.set(key, s)
      }
      s.columns.push(t, v)
    }
    return overflow === 0
  }
  const series = (): ReadonlyArray<Series> => {
    const all = [...byKey.values()].sort((a, b) => a.order - b.order || a.tag.localeCompare(b.tag) || a.index - b.index)
    const elementsOf = new Map<string, number>()
    for (const s of all) elementsOf.set(s.tag.toLowerCase(), (elementsOf.get(s.tag.toLowerCase()) ?? 0) + 1)
    return all.map((s) => ({
      name: s.bare && s.index === 0 && elementsOf.get(s.tag.toLowerCase()) === 1 ? s.tag : `${s.tag}[${s.index}]`,
      tag: s.tag,
      index: s.index,
      ...s.columns.finish()
    }))
  }
  return { add, series, count: () => byKey.size + (overflow > 0 ? 1 : 0) }
}
