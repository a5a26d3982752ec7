/**
 * Values of a wire TypeSpec: decodes raw Read Tag / Write Tag data by its type code, including the
 * CIP STRING 0xD0 (UINT length + chars, padded to even) that some servers (cpppo) answer with.
 * STRUCTs other than the Logix STRING stay opaque (undefined).
 */
import { Either } from "effect"
import { fail, Writer } from "./bytes.js"
import type { CodecError } from "./errors.js"
import { type CipValue, CipType, decodeValues, encodeValues, type TypeSpec, typeNameOf } from "./types.js"

const latin1 = new TextDecoder("latin1")

/** Decode CIP STRINGs (0xD0): UINT length, chars, pad byte after an odd length. */
export const decodeCipStrings = (b: Uint8Array): Either.Either<Array<string>, CodecError> => {
  const out: Array<string> = []
  let p = 0
  while (p < b.length) {
    if (p + 2 > b.length) return fail("Truncated", p, "CIP STRING length")
    const n = b[p]! | (b[p + 1]! << 8)
    if (p + 2 + n > b.length) return fail("Truncated", p, "CIP STRING characters")
    out.push(latin1.decode(b.subarray(p + 2, p + 2 + n)))
    p += 2 + n + (n & 1)
  }
  return Either.right(out)
}

export const encodeCipStrings = (values: ReadonlyArray<string>): Uint8Array => {
  const w = new Writer(32)
  for (const s of values) {
    w.u16(s.length)
    for (let k = 0; k < s.length; k++) w.u8(s.charCodeAt(k))
    if (s.length & 1) w.u8(0)
  }
  return w.finish()
}

/** Decode raw data of a wire type to values; `undefined` for opaque STRUCTs. */
export const decodeTyped = (type: TypeSpec, data: Uint8Array): Either.Either<Array<CipValue>, CodecError> | undefined => {
  if (type.code === CipType.STRING) return decodeCipStrings(data)
  const name = typeNameOf(type)
  return name === undefined ? undefined : decodeValues(name, data)
}

/** Encode values of a wire type; `undefined` for opaque STRUCTs. */
export const encodeTyped = (type: TypeSpec, values: ReadonlyArray<CipValue>): Uint8Array | undefined => {
  if (type.code === CipType.STRING) return encodeCipStrings(values.map(String))
  const name = typeNameOf(type)
  return name === undefined ? undefined : encodeValues(name, values)
}
