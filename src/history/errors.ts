/** Typed failures of the history module. Every public function returns these as values. */
import { Data } from "effect"

/** A timestamp string that does not match any accepted form. */
export class TimestampParseError extends Data.TaggedError("TimestampParseError")<{
  readonly input: string
  readonly reason: string
}> {
  override get message(): string {
    return `invalid timestamp ${JSON.stringify(this.input)}: ${this.reason}`
  }
}

/** A zone name or abbreviation that neither the tz database nor the registry knows. */
export class UnknownZoneError extends Data.TaggedError("UnknownZoneError")<{ readonly zone: string }> {
  override get message(): string {
    return `unknown time zone ${JSON.stringify(this.zone)}`
  }
}

/** One meaning of an abbreviation: the zone using it and the offset it stands for. */
export interface AbbreviationCandidate {
  readonly zone: string
  readonly offsetMinutes: number
}

/** An abbreviation (e.g. IST) that means different offsets in the registry's zones. */
export class AmbiguousZoneError extends Data.TaggedError("AmbiguousZoneError")<{
  readonly abbreviation: string
  readonly candidates: ReadonlyArray<AbbreviationCandidate>
}> {
  override get message(): string {
    const c = this.candidates.map((x) => `${x.zone} (${formatOffsetMinutes(x.offsetMinutes)})`).join(", ")
    return `ambiguous time zone abbreviation ${this.abbreviation}: ${c}; give a preference`
  }
}

/** A region that matches no zone (not a country code, a known group, a prefix, or a zone). */
export class UnknownRegionError extends Data.TaggedError("UnknownRegionError")<{ readonly region: string }> {
  override get message(): string {
    return `unknown time zone region ${JSON.stringify(this.region)}`
  }
}

/** A duration string such as `1w2d3h` that cannot be parsed. */
export class DurationParseError extends Data.TaggedError("DurationParseError")<{
  readonly input: string
  readonly reason: string
}> {
  override get message(): string {
    return `invalid duration ${JSON.stringify(this.input)}: ${this.reason}`
  }
}

/** A file-system failure while reading or writing history. */
export class HistoryIoError extends Data.TaggedError("HistoryIoError")<{
  readonly path: string
  readonly operation: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.operation} ${this.path}: ${this.reason}`
  }
}

/** A history file that is not one: its first record does not parse. */
export class HistoryFileError extends Data.TaggedError("HistoryFileError")<{
  readonly path: string
  readonly line: number
  readonly reason: string
}> {
  override get message(): string {
    return `${this.path}:${this.line}: ${this.reason}`
  }
}

/** `+0530` / `-0600` style offset text. */
export const formatOffsetMinutes = (minutes: number, colon = false): string => {
  const sign = minutes < 0 ? "-" : "+"
  const abs = Math.abs(minutes)
  const h = String(Math.floor(abs / 60)).padStart(2, "0")
  const m = String(abs % 60).padStart(2, "0")
  return `${sign}${h}${colon ? ":" : ""}${m}`
}
