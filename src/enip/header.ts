/** The 24-byte EtherNet/IP encapsulation header. */
import { Either } from "effect"
import { fail } from "../cip/bytes.js"
import type { CodecError } from "../cip/errors.js"
import { type EncapHeader, HEADER_SIZE } from "./model.js"

/** Decode the header at `offset` (the sender context is a view, not a copy). */
export const decodeHeader = (bytes: Uint8Array, offset = 0): Either.Either<EncapHeader, CodecError> => {
  if (offset + HEADER_SIZE > bytes.length) {
    return fail("Truncated", offset, `encapsulation header needs ${HEADER_SIZE} bytes, have ${bytes.length - offset}`)
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_SIZE)
  return Either.right({
    command: dv.getUint16(0, true),
    length: dv.getUint16(2, true),
    sessionHandle: dv.getUint32(4, true),
    status: dv.getUint32(8, true),
    senderContext: bytes.subarray(offset + 12, offset + 20),
    options: dv.getUint32(20, true)
  })
}

/** Write the header into `out` at `offset` (24 bytes; a short sender context is zero-filled). */
export const encodeHeaderInto = (h: EncapHeader, out: Uint8Array, offset: number): void => {
  const dv = new DataView(out.buffer, out.byteOffset + offset, HEADER_SIZE)
  dv.setUint16(0, h.command, true)
  dv.setUint16(2, h.length, true)
  dv.setUint32(4, h.sessionHandle >>> 0, true)
  dv.setUint32(8, h.status >>> 0, true)
  out.fill(0, offset + 12, offset + 20)
  out.set(h.senderContext.subarray(0, 8), offset + 12)
  dv.setUint32(20, h.options >>> 0, true)
}

/** The frame length a header announces (header + data). */
export const frameLength = (h: EncapHeader): number => HEADER_SIZE + h.length
