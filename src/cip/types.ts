/**
 * CIP elementary data types as Logix controllers use them on the wire, the Logix STRING
 * structure, and conversion between raw little-endian bytes and JavaScript values.
 *
 * Values: BOOL → boolean; SINT…UDINT, REAL, LREAL → number; LINT/ULINT → bigint;
 * SSTRING / STRING (CIP 0xD0) / Logix STRING → string; DWORD (packed BOOL[32]) → number (u32);
 * structures → objects (element.ts).
 */
import { Either } from "effect"
import { CodecError } from "./errors.js"

export const CipType = {
  BOOL: 0xc1,
  SINT: 0xc2,
  INT: 0xc3,
  DINT: 0xc4,
  LINT: 0xc5,
  USINT: 0xc6,
  UINT: 0xc7,
  UDINT: 0xc8,
  ULINT: 0xc9,
  REAL: 0xca,
  LREAL: 0xcb,
  STRING: 0xd0, // CIP STRING: UINT length + chars
  DWORD: 0xd3, // 32 packed BOOLs (Logix BOOL[n] arrays)
  SSTRING: 0xda, // USINT length + chars
  STRUCT: 0x02a0 // followed on the wire by a UINT structure handle
} as const

/** Structure handle of the Logix built-in STRING type (DINT LEN + SINT[82] DATA, 88 bytes). */
export const LOGIX_STRING_HANDLE = 0x0fce
/** Template instance id of the Logix STRING structure (handle's low 12 bits). */
export const LOGIX_STRING_TEMPLATE = 0x0fce & 0x0fff
export const LOGIX_STRING_CAPACITY = 82
export const LOGIX_STRING_SIZE = 88

/** The type carried in a Read/Write Tag: a CIP type code, plus the structure handle for STRUCTs. */
export interface TypeSpec {
  readonly code: number
  readonly handle?: number
}

/** Names a user writes in tag specs and casts (`INT`, `STRING`, …). */
export type TypeName =
  | "BOOL" | "SINT" | "INT" | "DINT" | "LINT" | "USINT" | "UINT" | "UDINT" | "ULINT"
  | "REAL" | "LREAL" | "SSTRING" | "STRING" | "DWORD"

export const TYPE_NAMES: ReadonlyArray<TypeName> = [
  "BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL", "SSTRING", "STRING", "DWORD"
]

/**
 * A value read or written: atomic values, strings, and structure elements (objects keyed by
 * member name; see element.ts).
 */
export type CipValue = boolean | number | bigint | string | StructValue

/** One structure element's value: each (visible) member's value, arrays as lists. */
export interface StructValue {
  readonly [member: string]: CipValue | ReadonlyArray<CipValue>
}

/** The wire TypeSpec for a type name (`STRING` is the Logix STRING structure, as a controller serves it). */
export const typeSpecOf = (name: TypeName): TypeSpec =>
  name === "STRING" ? { code: CipType.STRUCT, handle: LOGIX_STRING_HANDLE } : { code: CipType[name] }

/** The type name for a wire TypeSpec, or undefined for STRUCTs other than the Logix STRING. */
export const typeNameOf = (t: TypeSpec): TypeName | undefined => {
  if (t.code === CipType.STRUCT) return t.handle === LOGIX_STRING_HANDLE ? "STRING" : undefined
  for (const n of TYPE_NAMES) if (n !== "STRING" && CipType[n] === t.code) return n
  return undefined
}

export const isTypeName = (s: string): s is TypeName => (TYPE_NAMES as ReadonlyArray<string>).includes(s)

/** Fixed element size in bytes, or undefined for variable-length types (SSTRING, CIP STRING). */
export const elementSize = (name: TypeName): number | undefined => {
  switch (name) {
    case "BOOL": case "SINT": case "USINT": return 1
    case "INT": case "UINT": return 2
    case "DINT": case "UDINT": case "REAL": case "DWORD": return 4
    case "LINT": case "ULINT": case "LREAL": return 8
    case "STRING": return LOGIX_STRING_SIZE
    case "SSTRING": return undefined
  }
}

/** The same wire type: code, and the structure handle for STRUCTs. */
export const sameTypeSpec = (a: TypeSpec, b: TypeSpec): boolean => a.code === b.code && (a.handle ?? 0) === (b.handle ?? 0)

/** The encoded size of a TypeSpec on the wire (2, or 4 for STRUCT + handle). */
export const typeSpecSize = (t: TypeSpec): number => (t.code === CipType.STRUCT ? 4 : 2)

const latin1 = new TextDecoder("latin1")

const truncated = (offset: number, what: string) =>
  new CodecError({ reason: "Truncated", offset, message: `not enough data for ${what}` })

/**
 * Decode `count` elements (or as many as the bytes hold, when count is undefined) of a type from
 * raw little-endian bytes.
 */
export const decodeValues = (
  name: TypeName,
  bytes: Uint8Array,
  count?: number
): Either.Either<Array<CipValue>, CodecError> => {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Array<CipValue> = []
  let off = 0
  const size = elementSize(name)
  const n = count ?? (size !== undefined ? Math.floor(bytes.length / size) : Infinity)
  while (out.length < n && (count !== undefined || off < bytes.length)) {
    if (size !== undefined && off + size > bytes.length) return Either.left(truncated(off, name))
    switch (name) {
      case "BOOL": out.push(dv.getUint8(off) !== 0); break
      case "SINT": out.push(dv.getInt8(off)); break
      case "USINT": out.push(dv.getUint8(off)); break
      case "INT": out.push(dv.getInt16(off, true)); break
      case "UINT": out.push(dv.getUint16(off, true)); break
      case "DINT": out.push(dv.getInt32(off, true)); break
      case "UDINT": case "DWORD": out.push(dv.getUint32(off, true)); break
      case "REAL": out.push(dv.getFloat32(off, true)); break
      case "LINT": out.push(dv.getBigInt64(off, true)); break
      case "ULINT": out.push(dv.getBigUint64(off, true)); break
      case "LREAL": out.push(dv.getFloat64(off, true)); break
      case "STRING": {
        const len = dv.getInt32(off, true)
        if (len < 0 || len > LOGIX_STRING_CAPACITY) {
          return Either.left(new CodecError({ reason: "BadLength", offset: off, message: `Logix STRING LEN ${len} out of 0..82` }))
        }
        out.push(latin1.decode(bytes.subarray(off + 4, off + 4 + len)))
        break
      }
      case "SSTRING": {
        if (off + 1 > bytes.length) return Either.left(truncated(off, name))
        const len = dv.getUint8(off)
        if (off + 1 + len > bytes.length) return Either.left(truncated(off, name))
        out.push(latin1.decode(bytes.subarray(off + 1, off + 1 + len)))
        off += 1 + len
        continue
      }
    }
    off += size!
  }
  return Either.right(out)
}

/**
 * How many bytes at the start of `bytes` the first `count` elements of a type take, or undefined
 * when `bytes` are too short to hold them (for SSTRING each element's length byte counts).
 * Whatever follows those bytes is not part of the elements.
 */
export const encodedLength = (name: TypeName, bytes: Uint8Array, count: number): number | undefined => {
  const size = elementSize(name)
  if (size !== undefined) return size * count <= bytes.length ? size * count : undefined
  let off = 0
  for (let i = 0; i < count; i++) {
    if (off >= bytes.length) return undefined
    off += 1 + bytes[off]!
  }
  return off <= bytes.length ? off : undefined
}

/** Inclusive ranges of the integer types (a value outside cannot be written as that type). */
export const INTEGER_RANGES: Partial<Record<TypeName, readonly [bigint, bigint]>> = {
  SINT: [-128n, 127n],
  USINT: [0n, 255n],
  INT: [-32768n, 32767n],
  UINT: [0n, 65535n],
  DINT: [-2147483648n, 2147483647n],
  UDINT: [0n, 4294967295n],
  DWORD: [0n, 4294967295n],
  LINT: [-(2n ** 63n), 2n ** 63n - 1n],
  ULINT: [0n, 2n ** 64n - 1n]
}

/** Most characters a string type holds: 255 for SSTRING, 82 for the Logix STRING. */
export const stringCapacity = (name: "STRING" | "SSTRING"): number => (name === "SSTRING" ? 255 : LOGIX_STRING_CAPACITY)

/**
 * Why `v` cannot be stored as a `name` without changing it (an integer out of range, a fraction
 * for an integer type, a string too long or not Latin-1), or undefined when it can.
 */
export const unrepresentable = (name: TypeName, v: CipValue): string | undefined => {
  if (typeof v === "object") return `a structure value is not a ${name}`
  if (typeof v === "string") {
    if (name !== "STRING" && name !== "SSTRING") return undefined
    if (v.length > stringCapacity(name)) return `longer than ${stringCapacity(name)} characters`
    return /^[\x00-\xff]*$/.test(v) ? undefined : "characters outside Latin-1"
  }
  if (name === "REAL" && typeof v === "number" && Number.isFinite(v) && Math.abs(v) > 3.4028234663852886e38) return "out of REAL range"
  const range = INTEGER_RANGES[name]
  if (range === undefined || typeof v === "boolean") return undefined
  if (typeof v === "number" && !Number.isInteger(v)) return "not an integer"
  const b = BigInt(v)
  return b < range[0] || b > range[1] ? `out of range ${range[0]}..${range[1]}` : undefined
}

/** Encoded size of values of a type (variable for SSTRING). */
export const encodedSize = (name: TypeName, values: ReadonlyArray<CipValue>): number => {
  const size = elementSize(name)
  if (size !== undefined) return size * values.length
  let total = 0
  for (const v of values) total += 1 + Math.min(255, String(v).length)
  return total
}

// Number() takes booleans to 0/1, bigints and numeric text to their value, anything else to NaN.
const toNumber = (v: CipValue): number => Number(v)
const toBigInt = (v: CipValue): bigint => (typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v))))

/** Encode values of a type into raw little-endian bytes (integers wrap as C casts do). */
export const encodeValues = (name: TypeName, values: ReadonlyArray<CipValue>): Uint8Array => {
  const out = new Uint8Array(encodedSize(name, values))
  const dv = new DataView(out.buffer)
  let off = 0
  for (const v of values) {
    switch (name) {
      case "BOOL": dv.setUint8(off, (typeof v === "boolean" ? v : toNumber(v) !== 0) ? 0xff : 0); off += 1; break
      case "SINT": dv.setInt8(off, toNumber(v)); off += 1; break
      case "USINT": dv.setUint8(off, toNumber(v)); off += 1; break
      case "INT": dv.setInt16(off, toNumber(v), true); off += 2; break
      case "UINT": dv.setUint16(off, toNumber(v), true); off += 2; break
      case "DINT": dv.setInt32(off, toNumber(v), true); off += 4; break
      case "UDINT": case "DWORD": dv.setUint32(off, toNumber(v), true); off += 4; break
      case "REAL": dv.setFloat32(off, toNumber(v), true); off += 4; break
      case "LREAL": dv.setFloat64(off, toNumber(v), true); off += 8; break
      case "LINT": dv.setBigInt64(off, BigInt.asIntN(64, toBigInt(v)), true); off += 8; break
      case "ULINT": dv.setBigUint64(off, BigInt.asUintN(64, toBigInt(v)), true); off += 8; break
      case "STRING": {
        const s = String(v).slice(0, LOGIX_STRING_CAPACITY)
        dv.setInt32(off, s.length, true)
        for (let i = 0; i < s.length; i++) out[off + 4 + i] = s.charCodeAt(i) & 0xff
        off += LOGIX_STRING_SIZE
        break
      }
      case "SSTRING": {
        const s = String(v).slice(0, 255)
        out[off] = s.length
        for (let i = 0; i < s.length; i++) out[off + 1 + i] = s.charCodeAt(i) & 0xff
        off += 1 + s.length
        break
      }
    }
  }
  return out
}
