/**
 * Timestamp: an instant with microsecond resolution, rendered and parsed the way cpppo's history
 * files write them (`2014-05-05 21:42:22.000`, UTC, milliseconds), with optional zones.
 */
import { LocalDateTime, ZonedDateTime, ZoneId } from "@js-joda/core"
import { Clock, Effect, Either } from "effect"
import {
  AmbiguousZoneError,
  formatOffsetMinutes,
  TimestampParseError,
  UnknownRegionError,
  UnknownZoneError
} from "./errors.js"
import { canonicalZone, offsetSecondsAt, periodAt, zoneHistory } from "./tzdb.js"
import { makeZoneRegistry, resolveAbbreviation, type ZoneRegistry } from "./zoneRegistry.js"

/** How a zone is shown after a rendered time. */
export type ZoneStyle = "abbreviation" | "name" | "offset" | "none"

/** Rendering options; by default UTC with milliseconds and no zone suffix. */
export interface FormatOptions {
  /** Sub-second digits, 0…6 (default 3); the value is rounded to this precision first. */
  readonly precision?: number
  /** `false` truncates to whole seconds (no fraction). */
  readonly ms?: boolean
  /** IANA zone name (or `UTC`) to render in; default UTC. */
  readonly zone?: string
  /** Suffix style; default `abbreviation` for a named zone, `none` for UTC. */
  readonly zoneStyle?: ZoneStyle
  /** Separator between date and time; default a space. */
  readonly separator?: string
}

/** Parsing options. */
export interface ParseOptions {
  /** Zone of times given without one: an IANA name or `UTC` (default). */
  readonly zone?: string
  /** Registry resolving abbreviations; default the `CA`, `US` and `EU` zones. */
  readonly registry?: ZoneRegistry
  /** Preferred zones when an abbreviation is ambiguous in the registry. */
  readonly prefer?: ReadonlyArray<string>
}

/** Errors of {@link Timestamp.parse}. */
export type TimestampError = TimestampParseError | UnknownZoneError | AmbiguousZoneError

/** Two timestamps closer than this (µs) compare equal: the default rendering resolution. */
export const EPSILON_MICROS = 1000

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

// Formatting whole seconds is the costly part; history lines arrive many per second.
let cachedSecond = NaN
let cachedPrefix = ""
let cachedSep = " "
const secondsPrefix = (epochSecond: number, sep: string): string => {
  if (epochSecond === cachedSecond && sep === cachedSep) return cachedPrefix
  const d = new Date(epochSecond * 1000)
  const y = d.getUTCFullYear()
  const text = `${y < 1000 ? String(y).padStart(4, "0") : y}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `${sep}${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  cachedSecond = epochSecond
  cachedPrefix = text
  cachedSep = sep
  return text
}

const isUtcName = (z: string): boolean => /^(utc|gmt|z|ut|etc\/utc|etc\/gmt)$/i.test(z)

let defaultRegistry: ZoneRegistry | undefined
const getDefaultRegistry = (): ZoneRegistry => {
  if (defaultRegistry === undefined) {
    defaultRegistry = Either.getOrThrowWith(makeZoneRegistry(["CA", "US", "EU"]), (e: UnknownRegionError) => e)
  }
  return defaultRegistry
}

/** An instant, as integer microseconds since the Unix epoch (exact for ±285 years). */
export class Timestamp {
  constructor(readonly micros: number) {}

  /** From epoch milliseconds (fractions kept to the µs). */
  static fromMillis(ms: number): Timestamp {
    return new Timestamp(Math.round(ms * 1000))
  }
  /** From epoch seconds (fractions kept to the µs). */
  static fromSeconds(s: number): Timestamp {
    return new Timestamp(Math.round(s * 1e6))
  }
  /** The current time, from Effect's Clock (so TestClock drives it). */
  static readonly now: Effect.Effect<Timestamp> = Effect.map(
    Clock.currentTimeNanos,
    (ns) => new Timestamp(Number(ns / 1000n))
  )

  /** Parse `YYYY-MM-DD HH:MM:SS[.ffffff] [ZONE]`, ISO `T` forms, `Z` and numeric offsets. */
  static parse(text: string, options: ParseOptions = {}): Either.Either<Timestamp, TimestampError> {
    return parseTimestamp(text, options)
  }

  get millis(): number {
    return this.micros / 1000
  }
  get seconds(): number {
    return this.micros / 1e6
  }
  /** `ts + seconds`. */
  plus(seconds: number): Timestamp {
    return new Timestamp(this.micros + Math.round(seconds * 1e6))
  }
  /** `ts − seconds` is a Timestamp; `ts − ts` is the difference in seconds. */
  minus(seconds: number): Timestamp
  minus(other: Timestamp): number
  minus(x: number | Timestamp): Timestamp | number {
    return typeof x === "number" ? new Timestamp(this.micros - Math.round(x * 1e6)) : (this.micros - x.micros) / 1e6
  }
  /** Equal when closer than 1 ms, so values that render the same compare the same. */
  equals(other: Timestamp): boolean {
    return Math.abs(this.micros - other.micros) < EPSILON_MICROS
  }
  /** -1, 0 or 1, with the same 1 ms tolerance as {@link equals}. */
  compare(other: Timestamp): -1 | 0 | 1 {
    const d = this.micros - other.micros
    return Math.abs(d) < EPSILON_MICROS ? 0 : d < 0 ? -1 : 1
  }
  /** Render; see {@link FormatOptions}. */
  format(options: FormatOptions = {}): string {
    return formatTimestamp(this, options)
  }
  /** `2014-05-05 21:42:22.000` (UTC, ms). */
  toString(): string {
    return formatTimestamp(this, {})
  }
  toJSON(): string {
    return formatTimestamp(this, {})
  }
}

const formatTimestamp = (ts: Timestamp, options: FormatOptions): string => {
  const truncate = options.ms === false
  const precision = truncate ? 0 : Math.max(0, Math.min(6, Math.trunc(options.precision ?? 3)))
  const unit = 10 ** (6 - precision)
  const micros = truncate ? Math.floor(ts.micros / 1e6) * 1e6 : Math.round(ts.micros / unit) * unit
  const zoneName = options.zone ?? "UTC"
  const numeric = NUMERIC_OFFSET.exec(zoneName)
  const known = !isUtcName(zoneName) && numeric === null && canonicalZone(zoneName) !== undefined
  let offsetMinutes = 0
  let suffix = ""
  const style = options.zoneStyle
  if (numeric !== null) {
    // A fixed offset: it has no abbreviation, so every style shows the offset.
    offsetMinutes = (numeric[1] === "-" ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3] ?? "0"))
    suffix = style === "none" ? "" : ` ${formatOffsetMinutes(offsetMinutes)}`
  } else if (known) {
    const ms = Math.floor(micros / 1000)
    offsetMinutes = Math.round(offsetSecondsAt(ZoneId.of(zoneName), ms) / 60)
    if (style === "name") suffix = ` ${zoneName}`
    else if (style === "offset") suffix = ` ${formatOffsetMinutes(offsetMinutes)}`
    else if (style !== "none") {
      const history = zoneHistory(zoneName)
      const abbr = history === undefined ? "" : periodAt(history, ms).abbr
      suffix = ` ${abbr !== "" && /^[A-Za-z]/.test(abbr) ? abbr : formatOffsetMinutes(offsetMinutes)}`
    }
  } else if (!isUtcName(zoneName)) {
    // Unknown zone (check names with Timestamp.parse or canonicalZone first): render in UTC and
    // say so, rather than throw or mislabel.
    suffix = " UTC"
  } else if (style === "abbreviation" || style === "name") suffix = " UTC"
  else if (style === "offset") suffix = " +0000"
  const local = micros + offsetMinutes * 60e6
  const second = Math.floor(local / 1e6)
  const frac = local - second * 1e6
  const prefix = secondsPrefix(second, options.separator ?? " ")
  if (precision === 0) return prefix + suffix
  return `${prefix}.${String(Math.round(frac / unit)).padStart(precision, "0")}${suffix}`
}

const DATE_TIME = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(.*?)\s*$/
const NUMERIC_OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i

const fail = (input: string, reason: string) => Either.left(new TimestampParseError({ input, reason }))

const parseTimestamp = (text: string, options: ParseOptions): Either.Either<Timestamp, TimestampError> => {
  const m = DATE_TIME.exec(text)
  if (m === null) return fail(text, "expected YYYY-MM-DD HH:MM:SS[.ffffff] [ZONE]")
  const [, ys, mos, ds, hs = "0", mis = "0", ss = "0", fs = "", zs = ""] = m
  const y = Number(ys), mo = Number(mos), d = Number(ds), h = Number(hs), mi = Number(mis), s = Number(ss)
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return fail(text, "field out of range")
  const localMs = Date.UTC(y, mo - 1, d, h, mi, s)
  const check = new Date(localMs)
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return fail(text, "no such date")
  const fracMicros = fs === "" ? 0 : Math.round(Number(`0.${fs}`) * 1e6)
  const at = (offsetMinutes: number) => Either.right(new Timestamp((localMs - offsetMinutes * 60000) * 1000 + fracMicros))
  const zone = zs === "" ? options.zone ?? "UTC" : zs
  if (isUtcName(zone)) return at(0)
  const numeric = NUMERIC_OFFSET.exec(zone)
  if (numeric !== null) {
    const oh = Number(numeric[2]), om = Number(numeric[3] ?? "0")
    if (oh > 18 || om > 59) return fail(text, "offset out of range")
    return at((numeric[1] === "-" ? -1 : 1) * (oh * 60 + om))
  }
  if (canonicalZone(zone) !== undefined) {
    const ldt = LocalDateTime.of(y, mo, d, h, mi, s)
    const instant = ZonedDateTime.ofLocal(ldt, ZoneId.of(zone), null).toInstant()
    return Either.right(new Timestamp(instant.toEpochMilli() * 1000 + fracMicros))
  }
  if (/^[A-Za-z]{2,6}$/.test(zone)) {
    return Either.flatMap(
      resolveAbbreviation(options.registry ?? getDefaultRegistry(), zone, localMs, { prefer: options.prefer }),
      at
    )
  }
  return Either.left(new UnknownZoneError({ zone }))
}
