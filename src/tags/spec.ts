/**
 * Tag specifications as users write them on the command line: `NAME[@cls/ins/att]=TYPE[n]`.
 *
 * - NAME: a Logix identifier, optionally program-scoped (`Program:MainProgram.Speed`);
 *   names are case-insensitive (the spec keeps the spelling given, lookups fold case).
 * - `@cls/ins/att`: optional CIP attribute placement (numbers in decimal, 0x, 0o or 0b).
 * - TYPE: BOOL SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL SSTRING STRING (any case);
 *   STRING is the Logix STRING structure. Omitted (`SCADA`, `SCADA[10]`, `SCADA=[10]`), it is
 *   INT, as in cpppo (which, for `SCADA[10]`, would make a scalar tag named "SCADA[10]" that no
 *   client can address; here it is SCADA=INT[10]).
 * - `[n]`: element count; omitted or `[1]` makes a scalar.
 */
import { Data, Either } from "effect"
import type { TypeName } from "../cip/types.js"

/** The types a tag spec may name. */
export const SPEC_TYPES: ReadonlyArray<TypeName> = [
  "BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL", "SSTRING", "STRING"
]

/** Where a tag is also reachable as a CIP attribute (`@cls/ins/att`). */
export interface AttributePlacement {
  readonly cls: number
  readonly ins: number
  readonly att: number
}

/** A parsed tag specification. */
export interface TagSpec {
  /** The name as written (case preserved), e.g. `SCADA` or `Program:Main.Speed`. */
  readonly name: string
  readonly type: TypeName
  /** Number of elements (1 for scalars). */
  readonly count: number
  /** True when `[n]` was omitted or `[1]`: the tag is read without an element index. */
  readonly scalar: boolean
  readonly placement?: AttributePlacement
}

/** A tag spec that cannot be parsed; `message` is one line naming the spec. */
export class TagSpecError extends Data.TaggedError("TagSpecError")<{
  readonly spec: string
  readonly message: string
}> {}

/** Largest element count accepted for one tag (keeps a typo from allocating gigabytes). */
export const MAX_ELEMENTS = 1 << 24

const NAME = /^(?:Program:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/i
const SPEC = /^([^@=[]+)(?:@([^=[]*))?(?:=([A-Za-z]*))?(?:\[([^\]]*)\])?$/

/** Parse an unsigned integer in decimal, 0x, 0o or 0b notation; undefined if malformed. */
export const parseNumber = (text: string): number | undefined => {
  const t = text.trim().toLowerCase()
  const m = /^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[0-9]+)$/.exec(t)
  if (m === null) return undefined
  const n = t.startsWith("0x") || t.startsWith("0o") || t.startsWith("0b") ? Number(t) : Number.parseInt(t, 10)
  return Number.isSafeInteger(n) ? n : undefined
}

/** Parse one `NAME[@cls/ins/att][=TYPE][[n]]` spec (TYPE defaults to INT). */
export const parseTagSpec = (spec: string): Either.Either<TagSpec, TagSpecError> => {
  const bad = (why: string) => Either.left(new TagSpecError({ spec, message: `bad tag spec ${JSON.stringify(spec)}: ${why}` }))
  const m = SPEC.exec(spec.trim())
  if (m === null) return bad("expected NAME[@cls/ins/att][=TYPE][[n]]")
  const [, rawName, rawPlace, rawType, rawCount] = m
  const name = rawName!.trim()
  if (!NAME.test(name)) return bad(`invalid tag name ${JSON.stringify(name)}`)
  const type = (rawType === undefined || rawType === "" ? "INT" : rawType.toUpperCase()) as TypeName
  if (!SPEC_TYPES.includes(type)) return bad(`unknown type ${JSON.stringify(rawType)} (one of ${SPEC_TYPES.join(" ")})`)
  let count = 1
  if (rawCount !== undefined) {
    const n = parseNumber(rawCount)
    if (n === undefined || n < 1) return bad(`element count ${JSON.stringify(rawCount)} is not a positive integer`)
    if (n > MAX_ELEMENTS) return bad(`element count ${n} exceeds ${MAX_ELEMENTS}`)
    count = n
  }
  let placement: AttributePlacement | undefined
  if (rawPlace !== undefined) {
    const parts = rawPlace.split("/")
    if (parts.length !== 3) return bad("attribute placement must be @class/instance/attribute")
    const [cls, ins, att] = parts.map(parseNumber)
    if (cls === undefined || ins === undefined || att === undefined) return bad(`invalid number in @${rawPlace}`)
    if (cls < 1 || cls > 0xffff) return bad(`class ${cls} out of range 1..0xFFFF`)
    if (ins < 1 || ins > 0xffffffff) return bad(`instance ${ins} out of range 1..0xFFFFFFFF`)
    if (att < 1 || att > 0xffff) return bad(`attribute ${att} out of range 1..0xFFFF`)
    placement = { cls, ins, att }
  }
  return Either.right({ name, type, count, scalar: count === 1, ...(placement !== undefined ? { placement } : {}) })
}

/** Classes the controller itself implements; tags may not be placed there. */
export const RESERVED_CLASSES: ReadonlySet<number> = new Set([0x01, 0x02, 0x06, 0x64, 0x6b, 0x6c, 0x8b, 0xf5, 0xf6])

/**
 * Parse a controller's whole tag list: every spec, no name twice (names fold case), no attribute
 * placed twice or in a class the controller implements. The first mistake is the Left.
 */
export const parseTagSpecs = (specs: ReadonlyArray<string | TagSpec>): Either.Either<ReadonlyArray<TagSpec>, TagSpecError> => {
  const names = new Set<string>()
  const places = new Set<string>()
  const out: Array<TagSpec> = []
  for (const s of specs) {
    const parsed = typeof s === "string" ? parseTagSpec(s) : Either.right(s)
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    const spec = parsed.right
    const text = typeof s === "string" ? s : spec.name
    const dup = (why: string) => Either.left(new TagSpecError({ spec: text, message: `bad tag spec ${JSON.stringify(text)}: ${why}` }))
    const lower = spec.name.toLowerCase()
    if (names.has(lower)) return dup(`duplicate tag name ${spec.name}`)
    names.add(lower)
    if (spec.placement) {
      const { cls, ins, att } = spec.placement
      if (RESERVED_CLASSES.has(cls)) return dup(`class 0x${cls.toString(16)} is implemented by the controller`)
      const k = `${cls}/${ins}/${att}`
      if (places.has(k)) return dup(`attribute @${k} already placed`)
      places.add(k)
    }
    out.push(spec)
  }
  return Either.right(out)
}

/** Render a spec back to its canonical text (`NAME@0x93/3/10=REAL[4]`). */
export const formatTagSpec = (s: TagSpec): string =>
  `${s.name}${s.placement !== undefined ? `@0x${s.placement.cls.toString(16)}/${s.placement.ins}/${s.placement.att}` : ""}=${s.type}${s.scalar ? "" : `[${s.count}]`}`
