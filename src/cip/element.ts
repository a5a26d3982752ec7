/**
 * The element types tags and structure members hold, and their values: atomic types (as in
 * types.ts), BOOL arrays packed into DWORDs as a controller stores them, structures (values are
 * objects keyed by member name), and a single BOOL member (one bit of its host byte).
 *
 * A structure's value: `{ Speed: 1.5, Running: true, Faults: [0, 0, 0, 0], Name: "P1" }` —
 * atomic members as their values, arrays as lists, BOOL arrays as lists of booleans, STRING
 * members as strings, nested structures as objects. Hidden BOOL hosts are not shown.
 */
import { Either } from "effect"
import { CodecError } from "./errors.js"
import { type LayoutMember, STRING_LAYOUT, type StructLayout } from "./layout.js"
import {
  CipType, type CipValue, decodeValues, elementSize, encodeValues, type StructValue, type TypeName, type TypeSpec, typeSpecOf,
  unrepresentable as atomicProblem
} from "./types.js"

/** What one element of a tag (or of a member) is. */
export type ElementType =
  | { readonly _tag: "Atomic"; readonly name: TypeName }
  /** A BOOL array: on the wire a DWORD per 32 BOOLs; as values, the BOOLs. */
  | { readonly _tag: "Bits" }
  | { readonly _tag: "Struct"; readonly layout: StructLayout }
  /** One BOOL member: bit `bit` of its host byte. */
  | { readonly _tag: "Bit"; readonly bit: number }

export const atomic = (name: TypeName): ElementType => ({ _tag: "Atomic", name })

/** The element type of a structure member (STRING members are the atomic STRING). */
export const memberElement = (m: LayoutMember): ElementType => {
  switch (m.kind) {
    case "bit": return { _tag: "Bit", bit: m.bit }
    case "bits": return { _tag: "Bits" }
    case "atomic": return atomic(m.atomic!)
    case "struct": return m.struct!.handle === STRING_LAYOUT.handle ? atomic("STRING") : { _tag: "Struct", layout: m.struct! }
  }
}

/** The type a Read/Write Tag carries for these elements. */
export const wireType = (t: ElementType): TypeSpec => {
  switch (t._tag) {
    case "Atomic": return typeSpecOf(t.name)
    case "Bits": return { code: CipType.DWORD }
    case "Struct": return { code: CipType.STRUCT, handle: t.layout.handle }
    case "Bit": return { code: CipType.BOOL }
  }
}

/** Bytes of one element on the wire (undefined for SSTRING). */
export const wireSize = (t: ElementType): number | undefined =>
  t._tag === "Atomic" ? elementSize(t.name) : t._tag === "Bits" ? 4 : t._tag === "Struct" ? t.layout.size : 1

/** Values per wire element: 32 for a BOOL array's DWORD, else 1. */
export const perElement = (t: ElementType): number => (t._tag === "Bits" ? 32 : 1)

/** The type's name as users write it: `INT`, `BOOL` (also for BOOL arrays), `Motor`. */
export const typeLabel = (t: ElementType): string =>
  t._tag === "Atomic" ? t.name : t._tag === "Struct" ? t.layout.name : "BOOL"

/** Integer elements (Read-Modify-Write applies to them). */
export const isInteger = (t: ElementType): boolean =>
  (t._tag === "Atomic" && ["BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "DWORD"].includes(t.name)) || t._tag === "Bits"

const bad = (offset: number, message: string) => Either.left(new CodecError({ reason: "BadValue", offset, message }))

/** Decode one structure element (the bytes of exactly one element, or more). */
export const decodeStruct = (layout: StructLayout, bytes: Uint8Array): StructValue => {
  const out: Record<string, CipValue | ReadonlyArray<CipValue>> = {}
  for (const m of layout.members) {
    if (m.hidden) continue
    const t = memberElement(m)
    const at = bytes.subarray(m.offset, m.offset + m.size * m.count)
    const r = decodeElements(t, at, m.count)
    // Only a corrupt STRING LEN can fail: it reads as "", as the tag's own storage serves it.
    const vals: ReadonlyArray<CipValue> = Either.isRight(r) ? r.right : Array.from({ length: m.count * perElement(t) }, () => "")
    out[m.name] = m.dims > 0 ? vals : vals[0]!
  }
  return out
}

/** Decode `count` wire elements of a type to values (`count × perElement` of them). */
export const decodeElements = (t: ElementType, bytes: Uint8Array, count: number): Either.Either<Array<CipValue>, CodecError> => {
  switch (t._tag) {
    case "Atomic": return decodeValues(t.name, bytes, count)
    case "Bit": {
      if (bytes.length < count) return Either.left(new CodecError({ reason: "Truncated", offset: bytes.length, message: "not enough data for BOOL" }))
      return Either.right(Array.from({ length: count }, (_, i) => ((bytes[i]! >> t.bit) & 1) === 1))
    }
    case "Bits": {
      if (bytes.length < 4 * count) return Either.left(new CodecError({ reason: "Truncated", offset: bytes.length, message: "not enough data for BOOL[]" }))
      const out: Array<CipValue> = []
      for (let i = 0; i < 32 * count; i++) out.push(((bytes[i >> 3]! >> (i & 7)) & 1) === 1)
      return Either.right(out)
    }
    case "Struct": {
      const size = t.layout.size
      if (bytes.length < size * count) return Either.left(new CodecError({ reason: "Truncated", offset: bytes.length, message: `not enough data for ${t.layout.name}` }))
      return Either.right(Array.from({ length: count }, (_, i) => decodeStruct(t.layout, bytes.subarray(i * size, (i + 1) * size))))
    }
  }
}

const isObject = (v: unknown): v is StructValue => typeof v === "object" && v !== null && !Array.isArray(v)

/**
 * Write the members a value names into the bytes of one structure element (members it leaves out
 * keep their bytes). Returns why the value does not fit the structure, or undefined.
 */
export const encodeStructInto = (layout: StructLayout, value: unknown, target: Uint8Array): string | undefined => {
  if (!isObject(value)) return `a ${layout.name} value is an object of members, not ${JSON.stringify(String(value))}`
  for (const key of Object.keys(value)) {
    const m = layout.member(key)
    if (m === undefined || m.hidden) return `${layout.name} has no member ${key}`
    const v = value[key]
    const t = memberElement(m)
    const list = m.dims > 0 ? v : [v]
    if (!Array.isArray(list)) return `${layout.name}.${m.name} is an array of ${m.dims}`
    if (list.length > m.dims && m.dims > 0) return `${layout.name}.${m.name} holds ${m.dims} elements, not ${list.length}`
    const at = target.subarray(m.offset, m.offset + m.size * m.count)
    const why = encodeInto(t, list as ReadonlyArray<unknown>, at)
    if (why !== undefined) return `${layout.name}.${m.name}: ${why}`
  }
  return undefined
}

/**
 * Write values from the start of `target` (elements of type `t`; for BOOL arrays, BOOLs from bit 0).
 * Returns why a value does not fit, or undefined; `target` is changed only up to the first problem.
 */
export const encodeInto = (t: ElementType, values: ReadonlyArray<unknown>, target: Uint8Array): string | undefined => {
  switch (t._tag) {
    case "Atomic": {
      for (const v of values) {
        const why = valueProblem(t, v)
        if (why !== undefined) return why
      }
      const bytes = encodeValues(t.name, values as ReadonlyArray<CipValue>)
      if (bytes.length > target.length) return `${values.length} ${t.name} values do not fit ${target.length} bytes`
      target.set(bytes)
      return undefined
    }
    case "Bit": case "Bits": {
      for (let i = 0; i < values.length; i++) {
        const b = toBool(values[i])
        if (b === undefined) return `${JSON.stringify(String(values[i]))} is not a BOOL`
        const byte = t._tag === "Bit" ? i : i >> 3
        const bit = t._tag === "Bit" ? t.bit : i & 7
        if (byte >= target.length) return `${values.length} BOOLs do not fit`
        target[byte] = b ? target[byte]! | (1 << bit) : target[byte]! & ~(1 << bit)
      }
      return undefined
    }
    case "Struct": {
      const size = t.layout.size
      for (let i = 0; i < values.length; i++) {
        if ((i + 1) * size > target.length) return `${values.length} ${t.layout.name} values do not fit`
        const why = encodeStructInto(t.layout, values[i], target.subarray(i * size, (i + 1) * size))
        if (why !== undefined) return why
      }
      return undefined
    }
  }
}

const toBool = (v: unknown): boolean | undefined =>
  typeof v === "boolean" ? v : v === 0 || v === 1 || v === 0n || v === 1n ? Boolean(v) : undefined

/** Why `v` is not a value of the (atomic) type, or undefined. */
const valueProblem = (t: Extract<ElementType, { _tag: "Atomic" }>, v: unknown): string | undefined => {
  const name = t.name
  const kind = typeof v
  const ok = name === "LINT" || name === "ULINT" ? kind === "bigint" || kind === "number"
    : name === "STRING" || name === "SSTRING" ? kind === "string"
    : name === "BOOL" ? kind === "boolean" || kind === "number"
    : kind === "number"
  if (!ok || (kind === "number" && Number.isNaN(v))) return `${JSON.stringify(String(v))} is not a ${name}`
  return atomicProblem(name, v as CipValue)
}

/** Why `v` cannot be stored as one value of `t` unchanged, or undefined. */
export const elementProblem = (t: ElementType, v: unknown): string | undefined => {
  switch (t._tag) {
    case "Atomic": return valueProblem(t, v)
    case "Bit": case "Bits": return toBool(v) === undefined ? `${JSON.stringify(String(v))} is not a BOOL` : undefined
    case "Struct": return encodeStructInto(t.layout, v, new Uint8Array(t.layout.size))
  }
}

/** Encode whole elements of a type (for Bits: a multiple of 32 BOOLs); a value that does not fit is a Left. */
export const encodeElements = (t: ElementType, values: ReadonlyArray<unknown>): Either.Either<Uint8Array, CodecError> => {
  if (t._tag === "Atomic") {
    const why = values.map((v) => valueProblem(t, v)).find((w) => w !== undefined)
    return why !== undefined ? bad(0, why) : Either.right(encodeValues(t.name, values as ReadonlyArray<CipValue>))
  }
  const size = wireSize(t)!
  const out = new Uint8Array(size * Math.ceil(values.length / perElement(t)))
  const why = encodeInto(t, values, out)
  return why !== undefined ? bad(0, why) : Either.right(out)
}
