/**
 * Durations as text: `1w2d3h4m5.678s`, `90s`, `1 hour 30 minutes`, `250ms`. Values are seconds.
 */
import { Either } from "effect"
import { DurationParseError } from "./errors.js"

const UNIT_SECONDS: ReadonlyArray<readonly [ReadonlyArray<string>, number]> = [
  [["y", "yr", "yrs", "year", "years"], 365 * 86400],
  [["w", "wk", "wks", "week", "weeks"], 7 * 86400],
  [["d", "day", "days"], 86400],
  [["h", "hr", "hrs", "hour", "hours"], 3600],
  [["m", "min", "mins", "minute", "minutes"], 60],
  [["s", "sec", "secs", "second", "seconds"], 1],
  [["ms", "msec", "msecs", "millisecond", "milliseconds"], 1e-3],
  [["us", "µs", "usec", "usecs", "microsecond", "microseconds"], 1e-6],
  [["ns", "nsec", "nsecs", "nanosecond", "nanoseconds"], 1e-9]
]
const UNITS = new Map<string, number>(UNIT_SECONDS.flatMap(([names, s]) => names.map((n) => [n, s] as const)))

const TERM = /\s*(\d+(?:\.\d*)?|\.\d+)(?:\s*([a-zµ]+))?\s*,?/giy

/**
 * Parse a duration into seconds. A bare number is seconds; terms add up (`1h30m`, `1 hour, 30 min`);
 * a leading `-` negates the whole.
 */
export const parseDuration = (text: string): Either.Either<number, DurationParseError> => {
  const trimmed = text.trim()
  const negative = trimmed.startsWith("-")
  const body = negative ? trimmed.slice(1) : trimmed.startsWith("+") ? trimmed.slice(1) : trimmed
  if (body === "") return Either.left(new DurationParseError({ input: text, reason: "empty" }))
  TERM.lastIndex = 0
  let total = 0
  let terms = 0
  while (TERM.lastIndex < body.length) {
    const start = TERM.lastIndex
    const m = TERM.exec(body)
    if (m === null || TERM.lastIndex === start) {
      return Either.left(new DurationParseError({ input: text, reason: `unexpected ${JSON.stringify(body.slice(start))}` }))
    }
    const unitName = m[2]
    const unit = unitName === undefined ? 1 : UNITS.get(unitName.toLowerCase())
    if (unit === undefined) return Either.left(new DurationParseError({ input: text, reason: `unknown unit ${JSON.stringify(unitName)}` }))
    if (unitName === undefined && TERM.lastIndex < body.length) {
      return Either.left(new DurationParseError({ input: text, reason: "only the last term may omit its unit" }))
    }
    total += Number(m[1]) * unit
    terms++
  }
  if (terms === 0) return Either.left(new DurationParseError({ input: text, reason: "empty" }))
  return Either.right(negative ? -total : total)
}

const FORMAT_UNITS: ReadonlyArray<readonly [string, number]> = [["y", 365 * 86400], ["w", 7 * 86400], ["d", 86400], ["h", 3600], ["m", 60]]

/**
 * Format seconds as `1w2d3h4m5.678s` (largest units first, zero units left out, seconds with up to
 * `precision` decimals, default 6, trailing zeros dropped). `90` → `1m30s`; `0` → `0s`.
 */
export const formatDuration = (seconds: number, precision = 6): string => {
  if (!Number.isFinite(seconds)) return String(seconds)
  const scale = 10 ** Math.max(0, Math.min(9, Math.trunc(precision)))
  let rest = Math.round(Math.abs(seconds) * scale) // integer units of 1/scale s: no float drift
  let out = ""
  for (const [name, unit] of FORMAT_UNITS) {
    const n = Math.floor(rest / (unit * scale))
    if (n > 0) {
      out += `${n}${name}`
      rest -= n * unit * scale
    }
  }
  if (rest > 0 || out === "") {
    const whole = Math.floor(rest / scale)
    const frac = rest - whole * scale
    const fracText = frac === 0 ? "" : `.${String(frac).padStart(Math.log10(scale), "0").replace(/0+$/, "")}`
    out += `${whole}${fracText}s`
  }
  return seconds < 0 && out !== "0s" ? `-${out}` : out
}
