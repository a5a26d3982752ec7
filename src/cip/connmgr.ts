/**
 * Connection Manager (class 6) request bodies: Forward Open / Large Forward Open, Forward Close,
 * and the network connection parameters (NCP) they carry.
 */
import { Either } from "effect"
import { fail, type Writer } from "./bytes.js"
import { decodeEPath, writeSegments } from "./epath.js"
import type { CodecError } from "./errors.js"
import type { ConnectionParams, EPath, ForwardCloseRequest, ForwardOpenRequest } from "./model.js"

/** Decode NCP: 16-bit (Forward Open, size 9 bits) or 32-bit (Large Forward Open, size 16 bits). */
export const decodeNcp = (v: number, large: boolean): ConnectionParams => {
  const hi = large ? v >>> 16 : v
  // In both forms the flag bits sit at the same place relative to the word holding them.
  const flags = large ? hi : v
  return {
    size: large ? v & 0xffff : v & 0x1ff,
    variable: ((flags >> 9) & 1) === 1,
    priority: (flags >> 10) & 3,
    type: (flags >> 13) & 3,
    redundantOwner: ((flags >> 15) & 1) === 1
  }
}

/** Encode NCP (the inverse of `decodeNcp`; reserved bits are zero). */
export const encodeNcp = (p: ConnectionParams, large: boolean): number => {
  const flags = (p.redundantOwner ? 0x8000 : 0) | ((p.type & 3) << 13) | ((p.priority & 3) << 10) | (p.variable ? 0x200 : 0)
  return large ? ((flags << 16) | (p.size & 0xffff)) >>> 0 : flags | (p.size & 0x1ff)
}

/** Forward Open request data (after service and path) in `b[p, end)`. */
export const decodeForwardOpen = (
  b: Uint8Array, p: number, end: number, path: EPath, large: boolean
): Either.Either<ForwardOpenRequest, CodecError> => {
  const ncp = large ? 4 : 2
  const fixed = 32 + 2 * ncp // up to and including the connection path size byte
  if (p + fixed > end) return fail("Truncated", p, `${large ? "Large " : ""}Forward Open request`)
  const dv = new DataView(b.buffer, b.byteOffset)
  const rd = (at: number) => (large ? dv.getUint32(at, true) : dv.getUint16(at, true))
  const otNcpAt = p + 26
  const toRpiAt = otNcpAt + ncp
  const toNcpAt = toRpiAt + 4
  const trigAt = toNcpAt + ncp
  const words = b[trigAt + 1]!
  const pathAt = trigAt + 2
  if (pathAt + words * 2 > end) return fail("BadLength", trigAt + 1, `connection path of ${words} words overruns the request`)
  if (pathAt + words * 2 < end) return fail("BadLength", pathAt + words * 2, "bytes after the Forward Open connection path")
  const cp = decodeEPath(b, pathAt, words)
  if (Either.isLeft(cp)) return Either.left(cp.left)
  return Either.right({
    _tag: "ForwardOpen", path, large,
    priorityTimeTick: b[p]!, timeoutTicks: b[p + 1]!,
    otConnectionId: dv.getUint32(p + 2, true), toConnectionId: dv.getUint32(p + 6, true),
    connectionSerial: dv.getUint16(p + 10, true), originatorVendor: dv.getUint16(p + 12, true),
    originatorSerial: dv.getUint32(p + 14, true), timeoutMultiplier: b[p + 18]!,
    otRpi: dv.getUint32(p + 22, true), otParams: decodeNcp(rd(otNcpAt), large),
    toRpi: dv.getUint32(toRpiAt, true), toParams: decodeNcp(rd(toNcpAt), large),
    transportClassTrigger: b[trigAt]!, connectionPath: cp.right
  })
}

export const writeForwardOpen = (w: Writer, r: ForwardOpenRequest): void => {
  w.u8(r.priorityTimeTick).u8(r.timeoutTicks).u32(r.otConnectionId).u32(r.toConnectionId)
    .u16(r.connectionSerial).u16(r.originatorVendor).u32(r.originatorSerial).u8(r.timeoutMultiplier)
  w.skip(3)
  w.u32(r.otRpi)
  if (r.large) w.u32(encodeNcp(r.otParams, true)); else w.u16(encodeNcp(r.otParams, false))
  w.u32(r.toRpi)
  if (r.large) w.u32(encodeNcp(r.toParams, true)); else w.u16(encodeNcp(r.toParams, false))
  w.u8(r.transportClassTrigger)
  const at = w.skip(1)
  const start = w.pos
  writeSegments(w, r.connectionPath)
  w.setU8(at, (w.pos - start) >> 1)
}

/** Forward Close request data: triple, then a padded connection path (size, reserved, segments). */
export const decodeForwardClose = (
  b: Uint8Array, p: number, end: number, path: EPath
): Either.Either<ForwardCloseRequest, CodecError> => {
  if (p + 12 > end) return fail("Truncated", p, "Forward Close request")
  const dv = new DataView(b.buffer, b.byteOffset)
  const words = b[p + 10]!
  const pathAt = p + 12
  if (pathAt + words * 2 > end) return fail("BadLength", p + 10, `connection path of ${words} words overruns the request`)
  if (pathAt + words * 2 < end) return fail("BadLength", pathAt + words * 2, "bytes after the Forward Close connection path")
  const cp = decodeEPath(b, pathAt, words)
  if (Either.isLeft(cp)) return Either.left(cp.left)
  return Either.right({
    _tag: "ForwardClose", path,
    priorityTimeTick: b[p]!, timeoutTicks: b[p + 1]!,
    connectionSerial: dv.getUint16(p + 2, true), originatorVendor: dv.getUint16(p + 4, true),
    originatorSerial: dv.getUint32(p + 6, true), connectionPath: cp.right
  })
}

export const writeForwardClose = (w: Writer, r: ForwardCloseRequest): void => {
  w.u8(r.priorityTimeTick).u8(r.timeoutTicks).u16(r.connectionSerial).u16(r.originatorVendor).u32(r.originatorSerial)
  const at = w.skip(2)
  const start = w.pos
  writeSegments(w, r.connectionPath)
  w.setU8(at, (w.pos - start) >> 1)
}
