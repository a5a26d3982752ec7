/**
 * Time zone abbreviation registry: which offset "MST", "CEST" or "IST" stands for, given the
 * zones of a region. Abbreviations are not unique world-wide (IST is Irish, Israeli and Indian),
 * so they only mean something relative to a set of zones; within that set an abbreviation that
 * names two different offsets is reported as ambiguous unless the caller states a preference.
 */
import { Either } from "effect"
import {
  type AbbreviationCandidate,
  AmbiguousZoneError,
  UnknownRegionError,
  UnknownZoneError
} from "./errors.js"
import { allZoneNames, canonicalZone, zoneHistory, zonesOfCountry } from "./tzdb.js"

/** Member states of the European Union (ISO 3166 codes), for the `EU` region. */
const EU_COUNTRIES = [
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"
] as const

interface AbbrevUse {
  readonly zone: string
  readonly offsetMinutes: number
  readonly from: number
  readonly until: number
}

/** The zones of a region and every abbreviation they have used. */
export interface ZoneRegistry {
  /** Canonical names of the zones in the region. */
  readonly zones: ReadonlyArray<string>
  /** Abbreviation → every (zone, offset, period) that used it. */
  readonly abbreviations: ReadonlyMap<string, ReadonlyArray<AbbrevUse>>
}

/** A region: a country code (`CA`), `EU`, a zone-name prefix (`Europe`), a zone, or a list of these. */
export type Region = string | ReadonlyArray<string>

const zonesOfTerm = (term: string): ReadonlyArray<string> | undefined => {
  if (term === "EU") return EU_COUNTRIES.flatMap((c) => zonesOfCountry(c) ?? [])
  const country = zonesOfCountry(term)
  if (country !== undefined) return country
  const zone = canonicalZone(term)
  if (zone !== undefined) return [zone]
  const prefixed = allZoneNames().filter((z) => z.startsWith(term))
  return prefixed.length > 0 ? prefixed : undefined
}

const isAbbreviation = (abbr: string): boolean => /^[A-Za-z]{2,6}$/.test(abbr) && abbr !== "LMT"

/** Build the registry of a region; comma-separated strings are split. */
export const makeZoneRegistry = (region: Region): Either.Either<ZoneRegistry, UnknownRegionError> => {
  const terms = (typeof region === "string" ? [region] : region)
    .flatMap((r) => r.split(","))
    .map((r) => r.trim())
    .filter((r) => r !== "")
  if (terms.length === 0) return Either.left(new UnknownRegionError({ region: String(region) }))
  const zones = new Set<string>()
  for (const term of terms) {
    const found = zonesOfTerm(term)
    if (found === undefined) return Either.left(new UnknownRegionError({ region: term }))
    for (const z of found) zones.add(canonicalZone(z) ?? z)
  }
  const abbreviations = new Map<string, Array<AbbrevUse>>()
  for (const zone of zones) {
    const history = zoneHistory(zone)
    if (history === undefined) continue
    for (const p of history.periods) {
      if (!isAbbreviation(p.abbr)) continue
      const key = p.abbr.toUpperCase()
      const uses = abbreviations.get(key) ?? []
      uses.push({ zone, offsetMinutes: p.offsetMinutes, from: p.from, until: p.until })
      abbreviations.set(key, uses)
    }
  }
  return Either.right({ zones: [...zones], abbreviations })
}

/** Options for resolving an abbreviation. */
export interface ResolveOptions {
  /** Zones (in order of preference) whose meaning wins when the abbreviation is ambiguous. */
  readonly prefer?: ReadonlyArray<string> | undefined
}

const distinctByOffset = (uses: ReadonlyArray<AbbrevUse>): ReadonlyArray<AbbreviationCandidate> => {
  const seen = new Map<number, AbbreviationCandidate>()
  for (const u of uses) if (!seen.has(u.offsetMinutes)) seen.set(u.offsetMinutes, { zone: u.zone, offsetMinutes: u.offsetMinutes })
  return [...seen.values()]
}

/**
 * The UTC offset (minutes east) an abbreviation stands for at a local wall-clock time
 * (`localMs`: the local date-time read as if it were UTC). Uses in effect at that instant win;
 * if no zone of the region used the abbreviation then, every historical use counts.
 */
export const resolveAbbreviation = (
  registry: ZoneRegistry,
  abbreviation: string,
  localMs: number,
  options: ResolveOptions = {}
): Either.Either<number, AmbiguousZoneError | UnknownZoneError> => {
  const uses = registry.abbreviations.get(abbreviation.toUpperCase())
  if (uses === undefined || uses.length === 0) return Either.left(new UnknownZoneError({ zone: abbreviation }))
  const current = uses.filter((u) => {
    const utc = localMs - u.offsetMinutes * 60000
    return u.from <= utc && utc < u.until
  })
  let pool: ReadonlyArray<AbbrevUse> = current.length > 0 ? current : uses
  if (options.prefer !== undefined) {
    for (const preferred of options.prefer) {
      const zone = canonicalZone(preferred) ?? preferred
      const mine = pool.filter((u) => u.zone === zone)
      if (mine.length > 0) {
        pool = mine
        break
      }
    }
  }
  const candidates = distinctByOffset(pool)
  if (candidates.length === 1) return Either.right(candidates[0]!.offsetMinutes)
  return Either.left(new AmbiguousZoneError({ abbreviation, candidates }))
}
