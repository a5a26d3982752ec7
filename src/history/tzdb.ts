/**
 * Access to the IANA tz database shipped with @js-joda/timezone, including the zone
 * abbreviations (MST, MDT, CEST, …) that js-joda itself does not expose.
 *
 * The packed data uses the moment-timezone layout (`name|abbrs|offsets|indices|untils|population`,
 * numbers in base 60, offsets in minutes west of UTC, untils as deltas in minutes); we unpack
 * it lazily, one zone at a time, and cache the result.
 */
import { ZoneId, ZoneRulesProvider } from "@js-joda/core"
import "@js-joda/timezone"

/** One period of a zone's history: `[from, until)` in epoch ms, with its UTC offset and abbreviation. */
export interface ZonePeriod {
  readonly abbr: string
  /** Offset east of UTC, in minutes (e.g. -360 for MDT). */
  readonly offsetMinutes: number
  readonly from: number
  readonly until: number
}

/** A zone's full history, in time order. */
export interface ZoneHistory {
  readonly name: string
  readonly periods: ReadonlyArray<ZonePeriod>
}

interface PackedTzdb {
  readonly version: string
  readonly zones: ReadonlyArray<string>
  readonly links: ReadonlyArray<string>
  readonly countries: ReadonlyArray<string>
}

const isPacked = (u: unknown): u is PackedTzdb =>
  typeof u === "object" && u !== null && Array.isArray((u as PackedTzdb).zones) &&
  Array.isArray((u as PackedTzdb).links) && Array.isArray((u as PackedTzdb).countries)

// @js-joda/timezone plugs `getTzdbData` into ZoneRulesProvider at import; it is untyped in core.
const packed: PackedTzdb = (() => {
  const data: unknown = (ZoneRulesProvider as unknown as { getTzdbData?: () => unknown }).getTzdbData?.()
  if (!isPacked(data)) throw new Error("@js-joda/timezone did not provide packed tz data")
  return data
})()

const digit = (c: number): number => (c > 96 ? c - 87 : c > 64 ? c - 29 : c - 48)

const base60 = (s: string): number => {
  let i = 0
  let sign = 1
  if (s.charCodeAt(0) === 45) {
    sign = -1
    i = 1
  }
  const dot = s.indexOf(".")
  const whole = dot < 0 ? s.length : dot
  let out = 0
  for (; i < whole; i++) out = out * 60 + digit(s.charCodeAt(i))
  if (dot >= 0) {
    let m = 1
    for (let j = dot + 1; j < s.length; j++) {
      m /= 60
      out += digit(s.charCodeAt(j)) * m
    }
  }
  return out * sign
}

const packedByName = new Map<string, string>()
for (const z of packed.zones) packedByName.set(z.slice(0, z.indexOf("|")), z)
const linkTarget = new Map<string, string>()
for (const l of packed.links) {
  const [target, alias] = l.split("|")
  if (target !== undefined && alias !== undefined) linkTarget.set(alias, target)
}
const countryZones = new Map<string, ReadonlyArray<string>>()
for (const c of packed.countries) {
  const [code, zones] = c.split("|")
  if (code !== undefined && zones !== undefined) countryZones.set(code, zones.split(" "))
}

const cache = new Map<string, ZoneHistory>()

/** The tz database version (e.g. `2026a`). */
export const tzdbVersion: string = packed.version

/** The canonical name of a zone or link, or undefined when unknown. */
export const canonicalZone = (name: string): string | undefined =>
  packedByName.has(name) ? name : linkTarget.get(name)

/** Every zone and link name. */
export const allZoneNames = (): ReadonlyArray<string> => [...packedByName.keys(), ...linkTarget.keys()]

/** Zones of an ISO 3166 country code (e.g. `CA`), or undefined. */
export const zonesOfCountry = (code: string): ReadonlyArray<string> | undefined => countryZones.get(code)

/** The history (periods, abbreviations) of a zone or link; undefined when unknown. */
export const zoneHistory = (name: string): ZoneHistory | undefined => {
  const canonical = canonicalZone(name)
  if (canonical === undefined) return undefined
  const hit = cache.get(canonical)
  if (hit !== undefined) return hit
  const raw = packedByName.get(canonical)
  if (raw === undefined) return undefined
  const [, abbrsS = "", offsetsS = "", indicesS = "", untilsS = ""] = raw.split("|")
  const abbrs = abbrsS.split(" ")
  const offsets = offsetsS.split(" ").map(base60)
  const indices = indicesS.split("").map(base60)
  const deltas = untilsS === "" ? [] : untilsS.split(" ").map(base60)
  const periods: Array<ZonePeriod> = []
  let from = -Infinity
  let acc = 0
  for (let i = 0; i < indices.length; i++) {
    const idx = indices[i]!
    let until = Infinity
    if (i < indices.length - 1) {
      acc += (deltas[i] ?? 0) * 60000
      until = Math.round(acc)
    }
    periods.push({ abbr: abbrs[idx] ?? "", offsetMinutes: -Math.round((offsets[idx] ?? 0)), from, until })
    from = until
  }
  const history = { name: canonical, periods }
  cache.set(canonical, history)
  return history
}

/** The period of a zone in effect at an instant (epoch ms). */
export const periodAt = (history: ZoneHistory, epochMs: number): ZonePeriod => {
  const ps = history.periods
  let lo = 0
  let hi = ps.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (ps[mid]!.until <= epochMs) lo = mid + 1
    else hi = mid
  }
  return ps[lo]!
}

/** UTC offset in seconds of an IANA zone at an instant, by js-joda's rules. */
export const offsetSecondsAt = (zone: ZoneId, epochMs: number): number =>
  zone.rules().offsetOfEpochMilli(epochMs).totalSeconds()
