/**
 * Ticks of a time axis in a zone: at round local times (every 15 minutes, every hour, at local
 * midnight…), labelled with the local time and the zone's abbreviation at that instant, so an
 * axis across a DST change reads `00:00 MDT, 01:00 MDT, 01:00 MST, 02:00 MST`.
 */
import { LocalDate, ZoneId } from "@js-joda/core"
import { offsetSecondsAt } from "./tzdb.js"
import { Timestamp } from "./timestamp.js"

/** One tick: its instant and its label lines. */
export interface TimeTick {
  /** Epoch milliseconds. */
  readonly t: number
  /** `01:00 MDT` (`01:00:30 MDT` for steps under a minute). */
  readonly time: string
  /** The local date, `2014-11-02`. */
  readonly date: string
}

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H
/** Steps within a day, in ms. */
const CLOCK_STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H]
/** Calendar steps: days, then months. */
const DAY_STEPS = [1, 2, 7, 14]
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200]

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
const floorMod = (a: number, n: number): number => ((a % n) + n) % n

/** The zone as js-joda knows it (`UTC`, `+02:00`, or an IANA name). */
const zoneId = (zone: string): ZoneId => {
  try {
    return ZoneId.of(/^(utc|gmt|z)$/i.test(zone) ? "UTC" : zone)
  } catch {
    return ZoneId.UTC
  }
}

/** A tick's labels, from the history module's own rendering (same zone names, same abbreviations). */
const label = (t: number, zone: string, seconds: boolean): TimeTick => {
  const text = Timestamp.fromMillis(t).format({ zone, ms: false, zoneStyle: "abbreviation" })
  const abbr = text.slice(20)
  return { t, date: text.slice(0, 10), time: `${text.slice(11, seconds ? 19 : 16)}${abbr === "" ? "" : ` ${abbr}`}` }
}

/**
 * Ticks between `from` and `to` (epoch ms), at most about `maxTicks`, at round times of `zone`.
 * A local time that happens twice (fall back) gets two ticks; one that never happens (spring
 * forward) gets none.
 */
export const timeTicks = (from: number, to: number, zone: string, maxTicks: number): ReadonlyArray<TimeTick> => {
  const span = Math.max(to - from, 1)
  const limit = Math.max(2, maxTicks)
  const id = zoneId(zone)
  const clock = CLOCK_STEPS.find((s) => span / s <= limit)
  if (clock !== undefined) {
    // Candidates on a grid fine enough to meet every zone's offset (multiples of 15 minutes: the
    // greatest common divisor, so a 10-minute step in Nepal, +05:45, steps 5 minutes); keep those
    // at a multiple of the step in local time.
    const grid = gcd(clock, 15 * M)
    const out: Array<TimeTick> = []
    for (let t = Math.ceil(from / grid) * grid; t <= to; t += grid) {
      const local = t + offsetSecondsAt(id, t) * 1000
      if (((local % clock) + clock) % clock === 0) out.push(label(t, zone, clock < M))
    }
    return out
  }
  // Local midnights: every k days, or on the first of every k months.
  const days = DAY_STEPS.find((k) => span / (k * D) <= limit)
  const months = days === undefined ? MONTH_STEPS.find((k) => span / (k * 30.44 * D) <= limit) ?? 1200 : undefined
  const out: Array<TimeTick> = []
  const startLocal = from + offsetSecondsAt(id, from) * 1000
  // The first local midnight on the step's grid at or before the day before `from`, then step by
  // step (a day or month at a time, a 1,000-year span outran the loop's guard).
  let date = LocalDate.ofEpochDay(Math.floor(startLocal / D) - 1)
  if (months !== undefined) date = date.withDayOfMonth(1).minusMonths(floorMod(date.year() * 12 + date.monthValue() - 1, months))
  else date = date.minusDays(floorMod(date.toEpochDay(), days!))
  for (let guard = 0; guard < 10_000; guard++) {
    const t = date.atStartOfDay(id).toInstant().toEpochMilli()
    if (t > to) break
    if (t >= from) out.push(label(t, zone, false))
    date = months !== undefined ? date.plusMonths(months) : date.plusDays(days!)
  }
  return out
}
