/**
 * Where a signal writes and what an expression reads, resolved against the TagStore: a tag
 * path (`Level`, `SCADA[0-9]`, `Program:Main.Level`) becomes the store's Tag and a run of its
 * elements, and values cross between expressions (numbers, strings) and the tag's CIP type.
 */
import { Either } from "effect"
import { type CipValue, INTEGER_RANGES, stringCapacity, type TypeName } from "../cip/types.js"
import type { Tag, TagStoreService } from "../tags/tagStore.js"
import type { Kind, Value } from "./compile.js"
import type { TagPath } from "./parser.js"

/** A run of elements of one tag. */
export interface ElementRun {
  readonly tag: Tag
  readonly start: number
  readonly count: number
  /** Shown in messages and the web API: `SCADA[0-9]`, `Level`. */
  readonly label: string
}

/** The key of one element in dependency graphs: the tag's name folded, and the index. */
export const elementKey = (tag: Tag, index: number): string => `${tag.name.toLowerCase()}[${index}]`

/** An element as people write it: `Level` for a scalar, `SCADA[3]`. */
export const elementLabel = (tag: Tag, index: number): string => (tag.scalar ? tag.name : `${tag.name}[${index}]`)

const TYPES: ReadonlySet<string> = new Set(["BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL", "STRING", "SSTRING"])

/**
 * Resolve a path to a run of elements. A target without an index names every element of the
 * tag; a reference (`whole: false`) without an index names element 0, as a Read Tag of the
 * name does.
 */
export const resolvePath = (store: TagStoreService, path: TagPath, whole: boolean): Either.Either<ElementRun, string> => {
  let segments = path.segments
  let name = segments[0]!.name
  // A program-scoped tag's name holds a dot: `Program:Main.Level`.
  if (/^program:/i.test(name) && segments.length > 1 && segments[0]!.range === undefined) {
    name = `${name}.${segments[1]!.name}`
    segments = [{ ...segments[1]!, name }, ...segments.slice(2)]
  }
  const tag = store.find(name)
  if (tag === undefined) return Either.left(`no tag named ${name}`)
  if (segments.length > 1) return Either.left(`${path.text}: ${tag.name} is a ${tag.type}, which has no members a signal can address`)
  if (!TYPES.has(tag.type)) return Either.left(`${path.text}: a ${tag.type} cannot be generated`)
  const range = segments[0]!.range
  if (range !== undefined && range[1] >= tag.count) {
    return Either.left(`${path.text}: index out of range 0..${tag.count - 1}`)
  }
  const start = range?.[0] ?? 0
  const count = range !== undefined ? range[1] - range[0] + 1 : whole ? tag.count : 1
  const label = count === 1 ? elementLabel(tag, start) : `${tag.name}[${start}-${start + count - 1}]`
  return Either.right({ tag, start, count, label })
}

/** The kind of value an expression must give for a tag type (or reads from it). */
export const kindOf = (type: TypeName | string): Kind => (type === "STRING" || type === "SSTRING" ? "string" : "number")

/**
 * A stored value as expressions see it: BOOL as 1/0, LINT as a number. A whole structure has no
 * value of its own (expressions name its atomic members), so it reads as 0.
 */
export const toValue = (v: CipValue | undefined): Value =>
  typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "bigint" ? Number(v) : v === undefined || typeof v === "object" ? 0 : v

const FLOAT_MAX = 3.4028234663852886e38

/**
 * A value as the tag's type stores it (REAL rounded to 32 bits, integers rounded and held in
 * the type's range, BOOL true when not 0, strings cut to the type's capacity), so it compares
 * equal to what is read back; undefined when it cannot be stored (NaN, ±Infinity, a string that
 * is not a number for a numeric tag).
 */
export const toStored = (type: TypeName, v: Value): CipValue | undefined => {
  if (type === "STRING" || type === "SSTRING") {
    const s = typeof v === "string" ? v : String(v)
    return s.replace(/[^\x00-\xff]/g, "?").slice(0, stringCapacity(type))
  }
  const n = typeof v === "number" ? v : Number(v)
  if (!Number.isFinite(n)) return undefined
  switch (type) {
    case "BOOL": return n !== 0
    case "REAL": return Math.fround(Math.min(FLOAT_MAX, Math.max(-FLOAT_MAX, n)))
    case "LREAL": return n
    case "LINT": case "ULINT": {
      const [lo, hi] = INTEGER_RANGES[type]!
      const b = BigInt(Math.round(n))
      return b < lo ? lo : b > hi ? hi : b
    }
    default: {
      const range = INTEGER_RANGES[type]
      if (range === undefined) return n
      return Math.min(Number(range[1]), Math.max(Number(range[0]), Math.round(n)))
    }
  }
}
