/**
 * History records, one a line, compatible with cpppo's files:
 * `<UTC timestamp, ms>\t<JSON serial>\t<JSON data>\n`, plus `# comment` lines and blank lines.
 */
import { Either, ParseResult, Schema } from "effect"
import { Timestamp } from "./timestamp.js"

/** One record of a series: when, what (serial: a tag, a register range…), and the value. */
export interface HistoryRecord {
  readonly time: Timestamp
  readonly serial: unknown
  readonly data: unknown
}

/** Schema: a Timestamp, encoded as its history-file text (`2014-05-05 21:42:22.000`, UTC). */
export const TimestampFromString = Schema.transformOrFail(Schema.String, Schema.instanceOf(Timestamp), {
  strict: true,
  decode: (text, _, ast) =>
    Either.match(Timestamp.parse(text), {
      onLeft: (e) => ParseResult.fail(new ParseResult.Type(ast, text, e.message)),
      onRight: (t) => ParseResult.succeed(t)
    }),
  encode: (t) => ParseResult.succeed(t.toString())
})

/** Schema of a record, with JSON-friendly encoded fields (for APIs and tests). */
export const HistoryRecordJson = Schema.Struct({
  time: TimestampFromString,
  serial: Schema.Unknown,
  data: Schema.Unknown
})

/**
 * JSON with Python's `json.dumps` separators (`", "`, `": "`), as cpppo writes it, so files stay
 * byte-compatible. Non-finite numbers become `null` (JSON has none).
 */
export const pyJson = (value: unknown): string => {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value)
    case "number":
      return Number.isFinite(value) ? String(value) : "null"
    case "boolean":
      return value ? "true" : "false"
    case "bigint":
      return value.toString()
    case "object": {
      if (value === null) return "null"
      if (Array.isArray(value)) {
        // join() builds one flat string: much cheaper than += for the common arrays of numbers
        const parts = new Array<string>(value.length)
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i]
          parts[i] = typeof v === "number" && Number.isFinite(v) ? String(v) : pyJson(v === undefined ? null : v)
        }
        return `[${parts.join(", ")}]`
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON
      if (typeof toJSON === "function") return pyJson((toJSON as () => unknown).call(value))
      const parts: Array<string> = []
      for (const k in value) {
        if (!Object.prototype.hasOwnProperty.call(value, k)) continue
        const v: unknown = (value as Record<string, unknown>)[k]
        if (v === undefined || typeof v === "function") continue
        parts.push(`${JSON.stringify(k)}: ${pyJson(v)}`)
      }
      return `{${parts.join(", ")}}`
    }
    default:
      return "null"
  }
}

/** The text of one record line, newline included. */
export const formatRecord = (record: HistoryRecord): string =>
  `${record.time.toString()}\t${pyJson(record.serial)}\t${pyJson(record.data)}\n`

/** A comment line (`# text`), newline included; embedded newlines become separate comments. */
export const formatComment = (text: string): string =>
  text.split(/\r?\n/).map((l) => `# ${l}\n`).join("")

/** Why a line is not a record. */
export type LineProblem = "fields" | "timestamp" | "serial" | "data"

/** Outcome of parsing one line: a record, nothing (blank/comment), or a problem. */
export type ParsedLine =
  | { readonly _tag: "Record"; readonly record: HistoryRecord }
  | { readonly _tag: "Skip" }
  | { readonly _tag: "Corrupt"; readonly problem: LineProblem }

const SKIP: ParsedLine = { _tag: "Skip" }
const corrupt = (problem: LineProblem): ParsedLine => ({ _tag: "Corrupt", problem })

const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : NaN
}
/** Two decimal digits at `i`; NaN when either is not a digit (NaN fails every range check below). */
const d2 = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1)

// Records of a file share their date: remember the last date's epoch ms.
let lastDate = ""
let lastDateMs = NaN

/**
 * Fast path for the canonical `YYYY-MM-DD HH:MM:SS.fff` UTC form (what writers produce);
 * returns NaN when the text is in any other form.
 */
const canonicalMicros = (s: string): number => {
  if (s.length !== 23 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32 ||
    s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return NaN
  const h = d2(s, 11), mi = d2(s, 14), sec = d2(s, 17)
  const ms = d2(s, 20) * 10 + digit(s, 22)
  if (!(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59 && ms >= 0 && ms <= 999)) return NaN
  let dayMs: number
  if (s.startsWith(lastDate) && lastDate !== "") dayMs = lastDateMs
  else {
    const y = d2(s, 0) * 100 + d2(s, 2)
    const mo = d2(s, 5), d = d2(s, 8)
    if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31)) return NaN
    dayMs = Date.UTC(y, mo - 1, d)
    if (new Date(dayMs).getUTCDate() !== d) return NaN // 2014-02-30
    lastDate = s.slice(0, 10)
    lastDateMs = dayMs
  }
  return (dayMs + ((h * 60 + mi) * 60 + sec) * 1000 + ms) * 1000
}

/** Parse a record's timestamp field (UTC unless it names a zone). */
export const parseRecordTime = (text: string): Timestamp | undefined => {
  const fast = canonicalMicros(text)
  if (!Number.isNaN(fast)) return new Timestamp(fast)
  const slow = Timestamp.parse(text)
  return slow._tag === "Right" ? slow.right : undefined
}

// Failure sentinel: cheaper than wrapping every parsed value in a result object.
const BAD: unique symbol = Symbol("bad JSON")
const jsonOrBad = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return BAD
  }
}

// A series has few distinct serials (tags, register ranges): parse each text once. Records are
// read-only, so sharing the parsed value is safe. Bounded: cleared when it grows large.
const serials = new Map<string, unknown>()
const parseSerial = (text: string): unknown => {
  const hit = serials.get(text)
  if (hit !== undefined || serials.has(text)) return hit
  const value = jsonOrBad(text)
  if (value !== BAD) {
    if (serials.size >= 4096) serials.clear()
    serials.set(text, value)
  }
  return value
}

/**
 * Parse one line (without its newline) for the reader's hot loop: a record, `undefined` for a
 * blank or comment line, or the problem of a corrupt one. Never throws.
 */
export const parseRecordLine = (line: string): HistoryRecord | LineProblem | undefined => {
  let start = 0
  while (start < line.length && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++
  if (start === line.length || line.charCodeAt(start) === 35 /* # */) return undefined
  if (line.charCodeAt(line.length - 1) === 13 && line.length - 1 === start) return undefined
  const t1 = line.indexOf("\t", start)
  if (t1 < 0) return "fields"
  const t2 = line.indexOf("\t", t1 + 1)
  if (t2 < 0) return "fields"
  const time = parseRecordTime(line.slice(start, t1))
  if (time === undefined) return "timestamp"
  const serial = parseSerial(line.slice(t1 + 1, t2))
  if (serial === BAD) return "serial"
  const data = jsonOrBad(line.slice(t2 + 1))
  if (data === BAD) return "data"
  return { time, serial, data }
}

/** Parse one line (without its newline). Never throws. */
export const parseLine = (line: string): ParsedLine => {
  const r = parseRecordLine(line)
  return r === undefined ? SKIP : typeof r === "string" ? corrupt(r) : { _tag: "Record", record: r }
}

/** A stable key for a serial (its compact JSON), for maps of per-serial state. */
export const serialKey = (serial: unknown): string => JSON.stringify(serial) ?? "null"
