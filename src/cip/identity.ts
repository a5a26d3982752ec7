/** The Identity object's (class 1) Get Attributes All payload: attributes 1..7, then optionally 8..10. */
import { Either } from "effect"
import { fail, Writer } from "./bytes.js"
import type { CodecError } from "./errors.js"
import type { IdentityFields } from "../enip/model.js"

const latin1 = new TextDecoder("latin1")

export interface IdentityAttributes extends IdentityFields {
  /** Attributes 8 (state), 9 (configuration consistency value), 10 (heartbeat interval): present on most devices. */
  readonly state?: number
  readonly configurationConsistency?: number
  readonly heartbeatInterval?: number
}

/** Decode an Identity Get Attributes All payload (with or without the trailing attributes 8..10). */
export const decodeIdentity = (b: Uint8Array): Either.Either<IdentityAttributes, CodecError> => {
  if (b.length < 15) return fail("Truncated", 0, "Identity attributes")
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const n = b[14]!
  const end = 15 + n
  if (end > b.length) return fail("Truncated", 14, "Identity product name")
  const base: IdentityAttributes = {
    vendorId: dv.getUint16(0, true), deviceType: dv.getUint16(2, true), productCode: dv.getUint16(4, true),
    revision: [b[6]!, b[7]!], status: dv.getUint16(8, true), serialNumber: dv.getUint32(10, true),
    productName: latin1.decode(b.subarray(15, end))
  }
  if (end === b.length) return Either.right(base)
  if (end + 4 !== b.length) return fail("BadLength", end, `Identity attributes 8..10 need 4 bytes, have ${b.length - end}`)
  return Either.right({
    ...base, state: b[end]!, configurationConsistency: dv.getUint16(end + 1, true), heartbeatInterval: b[end + 3]!
  })
}

/** Encode an Identity Get Attributes All payload (attributes 8..10 when `state` is present). */
export const encodeIdentity = (i: IdentityAttributes): Uint8Array => {
  const w = new Writer(48)
  w.u16(i.vendorId).u16(i.deviceType).u16(i.productCode).u8(i.revision[0]).u8(i.revision[1]).u16(i.status).u32(i.serialNumber)
  const n = Math.min(255, i.productName.length)
  w.u8(n)
  for (let k = 0; k < n; k++) w.u8(i.productName.charCodeAt(k))
  if (i.state !== undefined) w.u8(i.state).u16(i.configurationConsistency ?? 0).u8(i.heartbeatInterval ?? 0)
  return w.finish()
}
