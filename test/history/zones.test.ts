/**
 * The tz database and abbreviation registry under Timestamp parsing and rendering (README,
 * "Timestamps and time zones"): zone histories unpacked from @js-joda/timezone's packed data
 * (base-60 offsets with fractions, the periods end to end, the abbreviation at a transition's
 * exact instant), links and countries, and regions — a country, `EU`, a zone-name prefix, a zone,
 * lists and comma-separated strings — whose abbreviations resolve case-insensitively, by the use
 * in effect at the time, else by any historical use, with preferred zones named by link too.
 */
import { describe, expect, it } from "@effect/vitest"
import { ZoneId } from "@js-joda/core"
import { Either } from "effect"
import { AmbiguousZoneError, UnknownRegionError, UnknownZoneError } from "../../src/history/errors.js"
import { allZoneNames, canonicalZone, offsetSecondsAt, periodAt, tzdbVersion, zoneHistory, zonesOfCountry } from "../../src/history/tzdb.js"
import { makeZoneRegistry, resolveAbbreviation } from "../../src/history/zoneRegistry.js"

const local = (y: number, mo: number, d: number, h = 12, mi = 0) => Date.UTC(y, mo - 1, d, h, mi)
const registry = (region: string | ReadonlyArray<string>) => Either.getOrThrowWith(makeZoneRegistry(region), (e) => e)

describe("tzdb", () => {
  it("unpacks a zone's history: LMT with its fractional offset, periods end to end, DST at its exact instant", () => {
    const h = zoneHistory("America/Edmonton")!
    expect(h.name).toBe("America/Edmonton")
    // LMT −7:33:52 is −453.87 minutes: rounded to −454; it ends 1906-09-01 07:33:52 UTC.
    expect(h.periods[0]).toEqual({ abbr: "LMT", offsetMinutes: -454, from: -Infinity, until: -1998663968000 })
    expect(h.periods[1]).toEqual({ abbr: "MST", offsetMinutes: -420, from: -1998663968000, until: -1632063600000 })
    expect(h.periods.at(-1)).toMatchObject({ until: Infinity })
    for (let i = 1; i < h.periods.length; i++) expect(h.periods[i]!.from).toBe(h.periods[i - 1]!.until)
    // 2014-03-09 09:00 UTC: MST → MDT.
    const spring = Date.UTC(2014, 2, 9, 9)
    expect(periodAt(h, spring)).toEqual({ abbr: "MDT", offsetMinutes: -360, from: spring, until: Date.UTC(2014, 10, 2, 8) })
    expect(periodAt(h, spring - 1)).toMatchObject({ abbr: "MST", until: spring })
    expect(periodAt(h, -1e15).abbr).toBe("LMT")
    expect(periodAt(h, 1e15)).toMatchObject({ abbr: "MST", until: Infinity })
    expect(offsetSecondsAt(ZoneId.of("America/Edmonton"), spring)).toBe(-6 * 3600)
    // Positive fractional offsets: Kolkata's LMT +5:53:28 → 353; its IST +5:30.
    const kolkata = zoneHistory("Asia/Kolkata")!
    expect(kolkata.periods[0]).toMatchObject({ abbr: "LMT", offsetMinutes: 353 })
    expect(kolkata.periods.at(-1)).toMatchObject({ abbr: "IST", offsetMinutes: 330 })
  })

  it("links resolve to their zone; histories are shared; unknown names are undefined", () => {
    expect(canonicalZone("America/Edmonton")).toBe("America/Edmonton")
    expect(canonicalZone("US/Mountain")).toBe("America/Denver")
    expect(canonicalZone("Mars/Olympus")).toBeUndefined()
    expect(zoneHistory("US/Mountain")).toBe(zoneHistory("America/Denver"))
    expect(zoneHistory("US/Mountain")!.name).toBe("America/Denver")
    expect(zoneHistory("Mars/Olympus")).toBeUndefined()
    const names = allZoneNames()
    expect(names).toContain("America/Edmonton")
    expect(names).toContain("US/Mountain")
    expect(new Set(names).size).toBe(names.length)
    expect(zonesOfCountry("CA")).toContain("America/Edmonton")
    expect(zonesOfCountry("CA")).toContain("America/St_Johns")
    expect(zonesOfCountry("XX")).toBeUndefined()
    expect(tzdbVersion).toMatch(/^\d{4}[a-z]$/)
  })
})

describe("zone registry", () => {
  it("regions: a country, EU, a name prefix, a zone, lists and comma-separated strings", () => {
    const ca = registry("CA")
    expect(ca.zones).toContain("America/Edmonton")
    expect(ca.zones).not.toContain("Europe/Berlin")
    const eu = registry("EU")
    expect(eu.zones).toEqual(expect.arrayContaining(["Europe/Berlin", "Europe/Dublin", "Europe/Lisbon", "Atlantic/Azores", "Europe/Helsinki"]))
    expect(eu.zones).not.toContain("Europe/London")
    const prefix = registry("Australia")
    expect(prefix.zones.length).toBeGreaterThan(5)
    expect(prefix.zones.every((z) => z.startsWith("Australia/"))).toBe(true)
    // A link is kept by its zone's name, once.
    expect(registry("US/Mountain, America/Denver").zones).toEqual(["America/Denver"])
    expect(registry(["Asia/Kolkata", " Europe/Dublin ,,"]).zones).toEqual(["Asia/Kolkata", "Europe/Dublin"])
    for (const bad of ["", " , ", []] as const) {
      const e = Either.getOrThrow(Either.flip(makeZoneRegistry(bad)))
      expect(e).toBeInstanceOf(UnknownRegionError)
    }
    expect(Either.getOrThrow(Either.flip(makeZoneRegistry("CA,Atlantis")))).toMatchObject({ region: "Atlantis" })
  })

  it("abbreviations: upper-cased, letters only, no LMT; each use with its zone, offset and period", () => {
    const reg = registry("America/Sao_Paulo,America/Edmonton")
    const keys = [...reg.abbreviations.keys()]
    expect(keys).toContain("MDT")
    expect(keys).not.toContain("LMT")
    expect(keys.every((k) => /^[A-Z]{2,6}$/.test(k))).toBe(true) // São Paulo's "-03" is no abbreviation
    expect(reg.abbreviations.get("MDT")!.every((u) => u.zone === "America/Edmonton" && u.offsetMinutes === -360)).toBe(true)
    expect(reg.abbreviations.get("MDT")).toContainEqual({ zone: "America/Edmonton", offsetMinutes: -360, from: Date.UTC(2014, 2, 9, 9), until: Date.UTC(2014, 10, 2, 8) })
  })

  it("resolves by the use in effect at the time, case-insensitively; otherwise by any use in history", () => {
    const ca = registry("CA")
    expect(resolveAbbreviation(ca, "mdt", local(2014, 7, 1))).toEqual(Either.right(-360))
    // 02:00 local MDT 2014-11-02 is 08:00 UTC, the end of MDT (exclusive); 01:59 is inside it.
    expect(resolveAbbreviation(ca, "MDT", local(2014, 11, 2, 1, 59))).toEqual(Either.right(-360))
    // Mountain War Time, out of use since 1945: its historical meaning.
    expect(resolveAbbreviation(ca, "MWT", local(2014, 7, 1))).toEqual(Either.right(-360))
    expect(Either.getOrThrow(Either.flip(resolveAbbreviation(ca, "CEST", local(2014, 7, 1))))).toBeInstanceOf(UnknownZoneError)
  })

  it("ambiguity: every distinct offset is a candidate; a preference (by zone or link) picks, an absent one is passed over", () => {
    const reg = registry(["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"])
    const e = Either.getOrThrow(Either.flip(resolveAbbreviation(reg, "IST", local(2014, 7, 1))))
    expect(e).toBeInstanceOf(AmbiguousZoneError)
    const candidates = (e as AmbiguousZoneError).candidates
    expect(candidates.map((c) => c.offsetMinutes).sort((a, b) => a - b)).toEqual([60, 330]) // Jerusalem's summer is IDT
    const winter = Either.getOrThrow(Either.flip(resolveAbbreviation(reg, "IST", local(2014, 1, 15)))) as AmbiguousZoneError
    expect(winter.candidates.map((c) => c.offsetMinutes).sort((a, b) => a - b)).toEqual([120, 330]) // Dublin's winter is GMT
    expect(candidates.find((c) => c.offsetMinutes === 330)!.zone).toBe("Asia/Kolkata")
    expect(resolveAbbreviation(reg, "IST", local(2014, 7, 1), { prefer: ["Europe/Paris", "Asia/Calcutta", "Europe/Dublin"] })).toEqual(Either.right(330))
    expect(resolveAbbreviation(reg, "IST", local(2014, 1, 15), { prefer: ["Israel"] })).toEqual(Either.right(120))
    expect(Either.isLeft(resolveAbbreviation(reg, "IST", local(2014, 7, 1), { prefer: ["Europe/Paris"] }))).toBe(true)
    // Same offset in two zones is no ambiguity.
    expect(resolveAbbreviation(registry("America/Edmonton,America/Denver"), "MST", local(2014, 1, 1))).toEqual(Either.right(-420))
  })
})
