/**
 * Converting API value text to the type of the value it replaces (cpppo's rule): booleans accept
 * true/yes/false/no or a number, numbers must parse completely, integers must fit their CIP type.
 * Also the JSON form of CIP values (bigint is not JSON) and the `attribute` text a tag shows.
 */
import { Either } from "effect"
import { elementProblem, type ElementType } from "../cip/element.js"
import { type CipValue, INTEGER_RANGES, stringCapacity, type TypeName } from "../cip/types.js"
import { showValue } from "../tags/events.js"

/** Integers in 0x/0o/0b form, each prefix with only its own digits (`0BBB` is not one). */
const PREFIXED_INTEGER = "0x[0-9a-f]+|0o[0-7]+|0b[01]+"
const NUMBER_TEXT = new RegExp(`^[-+]?(${PREFIXED_INTEGER}|(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?|inf(inity)?|nan)$`, "i")
const INTEGER_TEXT = new RegExp(`^[-+]?(${PREFIXED_INTEGER}|\\d+)$`, "i")

/** Parse a whole-text number (decimal, exponent, or 0x/0o/0b integers); undefined if it is not one. */
export const parseNumber = (text: string): number | undefined => {
  const t = text.trim()
  if (t === "" || !NUMBER_TEXT.test(t)) return undefined
  const lower = t.toLowerCase().replace(/^\+/, "")
  if (/^-?inf(inity)?$/.test(lower)) return lower.startsWith("-") ? -Infinity : Infinity
  if (lower === "nan" || lower === "-nan") return Number.NaN
  const neg = lower.startsWith("-")
  const body = neg ? lower.slice(1) : lower
  const n = Number(body)
  return neg ? -n : n
}

/** true/yes/on/false/no/off, or a number (non-zero is true). */
export const parseBoolean = (text: string): boolean | undefined => {
  const t = text.trim().toLowerCase()
  if (t === "true" || t === "yes" || t === "on") return true
  if (t === "false" || t === "no" || t === "off") return false
  const n = parseNumber(t)
  return n === undefined || Number.isNaN(n) ? undefined : n !== 0
}

/** Convert one value's text to a CIP value of `type`, or explain why it does not convert. */
export const convertElement = (type: TypeName, text: string): Either.Either<CipValue, string> => {
  const bad = (why: string) => Either.left(`${JSON.stringify(text)} is not a ${type}${why ? ` (${why})` : ""}`)
  switch (type) {
    case "BOOL": {
      const b = parseBoolean(text)
      return b === undefined ? bad("use true/yes/false/no or a number") : Either.right(b)
    }
    case "SSTRING":
    case "STRING": {
      const max = stringCapacity(type)
      if (text.length > max) return bad(`longer than ${max} characters`)
      return /^[\x00-\xff]*$/.test(text) ? Either.right(text) : bad("characters outside Latin-1")
    }
    case "REAL":
    case "LREAL": {
      const n = parseNumber(text)
      if (n === undefined) return bad("")
      if (type === "REAL" && Number.isFinite(n) && Math.abs(n) > 3.4028234663852886e38) return bad("out of REAL range")
      return Either.right(n)
    }
    default: {
      const t = text.trim()
      // The pattern admits only text BigInt reads (a prefix and its own digits, or decimal digits).
      if (!INTEGER_TEXT.test(t)) return bad("not an integer")
      const magnitude = BigInt(t.replace(/^[-+]/, ""))
      const v = t.startsWith("-") ? -magnitude : magnitude
      const [lo, hi] = INTEGER_RANGES[type]!
      if (v < lo || v > hi) return bad(`out of range ${lo}..${hi}`)
      return Either.right(type === "LINT" || type === "ULINT" ? v : Number(v))
    }
  }
}

/**
 * Convert a value list: strings take the whole text as one value; other types split on commas
 * (`1,2,3`), optionally bracketed (`[1, 2, 3]`).
 */
export const convertValues = (type: TypeName, text: string): Either.Either<ReadonlyArray<CipValue>, string> => {
  if (type === "STRING" || type === "SSTRING") return Either.map(convertElement(type, text), (v) => [v])
  const inner = text.trim().replace(/^\[(.*)\]$/s, "$1")
  const parts = inner.split(",")
  const out: Array<CipValue> = []
  for (const p of parts) {
    const v = convertElement(type, p)
    if (Either.isLeft(v)) return Either.left(v.left)
    out.push(v.right)
  }
  return Either.right(out)
}

/**
 * Convert a value list for a tag's elements: atomic types as `convertValues`; BOOL arrays as BOOLs;
 * structures as JSON, one object or a list (`{"Speed": 1.5}`: the members it names change).
 */
export const convertFor = (element: ElementType, text: string): Either.Either<ReadonlyArray<CipValue>, string> => {
  if (element._tag === "Atomic") return convertValues(element.name, text)
  if (element._tag !== "Struct") return convertValues("BOOL", text)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return Either.left(`${JSON.stringify(text)} is not a ${element.layout.name} (give JSON: {"Member": value, …} or a list of them)`)
  }
  const list: ReadonlyArray<unknown> = Array.isArray(parsed) ? parsed : [parsed]
  for (const v of list) {
    const why = elementProblem(element, v)
    if (why !== undefined) return Either.left(why)
  }
  return Either.right(list as ReadonlyArray<CipValue>)
}

/** A JSON-safe value: atomic values, and structures as objects of members (arrays as lists). */
export type JsonValue = boolean | number | string | ReadonlyArray<JsonValue> | { readonly [member: string]: JsonValue }

/** A JSON-safe form of a CIP value: bigints become numbers when exact, else decimal strings. */
export const jsonValue = (v: CipValue | ReadonlyArray<CipValue>): JsonValue => {
  if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()
  if (typeof v !== "object") return v
  if (Array.isArray(v)) return v.map(jsonValue)
  const out: Record<string, JsonValue> = {}
  for (const [k, x] of Object.entries(v)) out[k] = jsonValue(x)
  return out
}

/** How many leading values the `attribute` text shows before `…`. */
export const ATTRIBUTE_TEXT_VALUES = 10

/** cpppo's attribute text: `SCADA          INT[1000] == [0, 0, 0, …]` (scalars: `X   REAL == 1.5`). */
export const attributeText = (
  name: string,
  type: string,
  count: number,
  scalar: boolean,
  values: ReadonlyArray<CipValue>
): string => {
  const head = `${name.padEnd(15)}${scalar ? type : `${type}[${count}]`} == `
  if (scalar) return head + (values.length > 0 ? showValue(values[0]!) : "?")
  const shown = values.slice(0, ATTRIBUTE_TEXT_VALUES).map(showValue)
  return `${head}[${shown.join(", ")}${count > ATTRIBUTE_TEXT_VALUES ? ", …" : ""}]`
}
