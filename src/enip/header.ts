/** The 24-byte EtherNet/IP encapsulation header. */
import { Either } from "effect"
import { fail, getU16, getU32, putU16, putU32 } from "../cip/bytes.js"
import type { CodecError } from "../cip/errors.js"
import { type EncapHeader, HEADER_SIZE } from "./model.js"

/** Decode the header at `offset` (the sender context is a view, not a copy). */
export const decodeHeader = (bytes: Uint8Array, offset = 0): Either.Either<EncapHeader, CodecError> => {
  if (offset + HEADER_SIZE > bytes.length) {
    return fail("Truncated", offset, `encapsulation header needs ${HEADER_SIZE} bytes, have ${bytes.length - offset}`)
  }
  return Either.right({
    command: getU16(bytes, offset),
    length: getU16(bytes, offset + 2),
    sessionHandle: getU32(bytes, offset + 4),
    status: getU32(bytes, offset + 8),
    senderContext: bytes.subarray(offset + 12, offset + 20),
    options: getU32(bytes, offset + 20)
  })
}

/** Write the header into `out` at `offset` (24 bytes; a short sender context is zero-filled). */
export const encodeHeaderInto = (h: EncapHeader, out: Uint8Array, offset: number): void => {
  putU16(out, offset, h.command)
  putU16(out, offset + 2, h.length)
  putU32(out, offset + 4, h.sessionHandle)
  putU32(out, offset + 8, h.status)
  // byte copy: a subarray of a small on-heap array would force its buffer off-heap
  for (let i = 0; i < 8; i++) out[offset + 12 + i] = h.senderContext[i] ?? 0
  putU32(out, offset + 20, h.options)
}

/** The frame length a header announces (header + data). */
export const frameLength = (h: EncapHeader): number => HEADER_SIZE + h.length
