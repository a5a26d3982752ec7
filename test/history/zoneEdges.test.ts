/**
 * Zone registries and tz lookups, the edges: a zone named as a region is that zone (not every zone
 * its name prefixes), links stand for their zone, an abbreviation's use counts from its first
 * instant to just before its last, the first zone of a meaning names it, the period of a zone
 * that never changed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { makeZoneRegistry, resolveAbbreviation } from "../../src/history/zoneRegistry.js"
import { periodAt, zoneHistory } from "../../src/history/tzdb.js"

const zones = (region: string) => Either.getOrThrow(makeZoneRegistry(region)).zones
const meaning = (e: Either.Either<number, { message: string }>) => (Either.isLeft(e) ? e.left.message : e.right)

describe("regions", () => {
  it("a zone's own name is that zone, though it prefixes others (EST, EST5EDT)", () => {
    expect(zones("EST")).toEqual(["America/Panama"])
    expect(zones("MST")).toEqual(["America/Phoenix"])
  })

  it("zones found by a name prefix are kept under their canonical names (Asia/Calcutta is Asia/Kolkata)", () => {
    expect(zones("Asia/Calc")).toEqual(["Asia/Kolkata"])
    const registry = Either.getOrThrow(makeZoneRegistry("Asia/Calc"))
    expect(registry.abbreviations.get("IST")!.every((u) => u.zone === "Asia/Kolkata")).toBe(true)
  })
})

describe("abbreviations in effect", () => {
  // India's IST (+05:30) always; Ireland's IST (+01:00) in summer: 2014-03-30 01:00Z to 2014-10-26 01:00Z.
  const registry = Either.getOrThrow(makeZoneRegistry(["IN", "IE"]))
  const ist = (utcParts: [number, number, number, number, number, number?]) =>
    meaning(resolveAbbreviation(registry, "IST", Date.UTC(utcParts[0], utcParts[1], utcParts[2], utcParts[3], utcParts[4], 0, utcParts[5] ?? 0)))
  const both = "ambiguous time zone abbreviation IST: Asia/Kolkata (+0530), Europe/Dublin (+0100); give a preference"

  it("Ireland's IST counts from its first local instant (02:00 IST on 30 March), not a millisecond before", () => {
    expect(ist([2014, 2, 30, 1, 59, 999])).toBe(330)
    expect(ist([2014, 2, 30, 2, 0])).toBe(both)
  })

  it("and up to its last (01:59:59.999 IST on 26 October), not at 02:00 IST", () => {
    expect(ist([2014, 9, 26, 1, 59, 999])).toBe(both)
    expect(ist([2014, 9, 26, 2, 0])).toBe(330)
  })

  it("each meaning of an ambiguous abbreviation is named by the region's first zone using it", () => {
    const uscn = Either.getOrThrow(makeZoneRegistry(["US", "CN"]))
    expect(meaning(resolveAbbreviation(uscn, "CST", Date.UTC(2014, 0, 1))))
      .toBe("ambiguous time zone abbreviation CST: America/Chicago (-0600), Asia/Shanghai (+0800); give a preference")
  })
})

describe("periods", () => {
  it("a zone that never changed has one period, found at any instant; the last period of a zone is found", () => {
    const utc = zoneHistory("Etc/UTC")!
    expect(utc.periods).toHaveLength(1)
    expect(periodAt(utc, 0)).toMatchObject({ abbr: "UTC", from: -Infinity, until: Infinity })
    expect(periodAt(zoneHistory("Asia/Kolkata")!, Date.UTC(2014, 0, 1))).toMatchObject({ abbr: "IST", offsetMinutes: 330, until: Infinity })
  })
})
