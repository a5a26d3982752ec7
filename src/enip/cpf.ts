/** Common Packet Format: UINT item count, then items (UINT type id, UINT length, payload). */
import { Either } from "effect"
import { fail, getU16, getU32, Writer } from "../cip/bytes.js"
import type { CodecError } from "../cip/errors.js"
import { type CpfItem, type IdentityItem, ItemType, type Sockaddr } from "./model.js"

/**
 * The name field of a ListServices item is 16 bytes, NUL-terminated and NUL-padded, as the
 * specification and every controller have it ("Communications\0\0"); a longer name takes its
 * length plus the NUL.
 */
const serviceNameSize = (name: string): number => Math.max(16, name.length + 1)

const latin1 = new TextDecoder("latin1")

/** Decode a big-endian sockaddr_in (16 bytes) at `p`. */
export const decodeSockaddr = (b: Uint8Array, p: number): Sockaddr => ({
  family: (b[p]! << 8) | b[p + 1]!,
  port: (b[p + 2]! << 8) | b[p + 3]!,
  address: `${b[p + 4]}.${b[p + 5]}.${b[p + 6]}.${b[p + 7]}`
})

export const writeSockaddr = (w: Writer, s: Sockaddr): void => {
  w.u8(s.family >> 8).u8(s.family).u8(s.port >> 8).u8(s.port)
  const parts = s.address.split(".").map(Number)
  for (let i = 0; i < 4; i++) w.u8(Number.isInteger(parts[i]) ? parts[i]! : 0)
  w.skip(8)
}

const decodeIdentity = (b: Uint8Array, p: number, end: number): Either.Either<IdentityItem, CodecError> => {
  // version(2) sockaddr(16) vendor(2) type(2) code(2) rev(2) status(2) serial(4) name(SSTRING) state(1)
  if (p + 33 > end) return fail("Truncated", p, "ListIdentity item")
  const dv = new DataView(b.buffer, b.byteOffset)
  const nameLen = b[p + 32]!
  const stateAt = p + 33 + nameLen
  if (stateAt + 1 > end) return fail("Truncated", p, "ListIdentity product name / state")
  const item: IdentityItem = {
    protocolVersion: dv.getUint16(p, true),
    sockaddr: decodeSockaddr(b, p + 2),
    vendorId: dv.getUint16(p + 18, true),
    deviceType: dv.getUint16(p + 20, true),
    productCode: dv.getUint16(p + 22, true),
    revision: [b[p + 24]!, b[p + 25]!],
    status: dv.getUint16(p + 26, true),
    serialNumber: dv.getUint32(p + 28, true),
    productName: latin1.decode(b.subarray(p + 33, stateAt)),
    state: b[stateAt]!
  }
  return Either.right(stateAt + 1 < end ? { ...item, extra: b.subarray(stateAt + 1, end) } : item)
}

const writeIdentity = (w: Writer, i: IdentityItem): void => {
  w.u16(i.protocolVersion)
  writeSockaddr(w, i.sockaddr)
  w.u16(i.vendorId).u16(i.deviceType).u16(i.productCode).u8(i.revision[0]).u8(i.revision[1])
  w.u16(i.status).u32(i.serialNumber)
  const n = Math.min(255, i.productName.length)
  w.u8(n)
  for (let k = 0; k < n; k++) w.u8(i.productName.charCodeAt(k))
  w.u8(i.state)
  if (i.extra) w.bytes(i.extra)
}

/** Decode one item's payload `b[p, end)` of type `typeId`. */
const decodeItem = (b: Uint8Array, typeId: number, p: number, end: number): Either.Either<CpfItem, CodecError> => {
  const len = end - p
  switch (typeId) {
    case ItemType.NullAddress:
      if (len === 0) return Either.right({ _tag: "NullAddress" })
      break
    case ItemType.ConnectedAddress:
      if (len === 4) return Either.right({ _tag: "ConnectedAddress", connectionId: getU32(b, p) })
      break
    case ItemType.SequencedAddress:
      if (len === 8) {
        return Either.right({ _tag: "SequencedAddress", connectionId: getU32(b, p), sequence: getU32(b, p + 4) })
      }
      break
    case ItemType.ConnectedData:
      if (len >= 2) return Either.right({ _tag: "ConnectedData", sequence: getU16(b, p), data: b.subarray(p + 2, end) })
      break
    case ItemType.UnconnectedData:
      return Either.right({ _tag: "UnconnectedData", data: b.subarray(p, end) })
    case ItemType.ListIdentity:
      return Either.map(decodeIdentity(b, p, end), (identity) => ({ _tag: "ListIdentity" as const, identity }))
    case ItemType.ListServices: {
      // version, capability flags, then a NUL-terminated name, possibly NUL-padded (16 bytes on devices)
      if (len < 5 || b[end - 1] !== 0) break
      let z = p + 4
      while (z < end && b[z] !== 0) z++
      for (let k = z; k < end; k++) if (b[k] !== 0) return Either.right({ _tag: "Unknown", typeId, data: b.subarray(p, end) })
      const name = latin1.decode(b.subarray(p + 4, z))
      const base = { _tag: "ListServices" as const, version: getU16(b, p), capability: getU16(b, p + 2), name }
      return Either.right(end - (p + 4) === serviceNameSize(name) ? base : { ...base, nameSize: end - (p + 4) })
    }
    case ItemType.SockaddrOT: case ItemType.SockaddrTO: {
      // sin_zero must be zero, else the item stays raw (so it re-encodes exactly)
      let zero = len === 16
      for (let k = 8; zero && k < 16; k++) zero = b[p + k] === 0
      if (zero) return Either.right({ _tag: "Sockaddr", typeId, sockaddr: decodeSockaddr(b, p) })
      break
    }
  }
  // Anything unusual (unknown type, or a known type of unexpected size) stays raw, so it re-encodes exactly.
  return Either.right({ _tag: "Unknown", typeId, data: b.subarray(p, end) })
}

/**
 * Decode a CPF from `bytes[offset, end)`; an empty range is an empty CPF (ListIdentity requests).
 * Bytes after the last item are an error (a length that lies).
 */
export const decodeCpfAt = (bytes: Uint8Array, offset: number, end: number): Either.Either<ReadonlyArray<CpfItem>, CodecError> => {
  if (offset === end) return Either.right([])
  if (offset + 2 > end) return fail("Truncated", offset, "CPF item count")
  const count = bytes[offset]! | (bytes[offset + 1]! << 8)
  const items: Array<CpfItem> = []
  let p = offset + 2
  for (let i = 0; i < count; i++) {
    if (p + 4 > end) return fail("Truncated", p, `CPF item ${i} header (count ${count})`)
    const typeId = bytes[p]! | (bytes[p + 1]! << 8)
    const len = bytes[p + 2]! | (bytes[p + 3]! << 8)
    const q = p + 4 + len
    if (q > end) return fail("BadLength", p + 2, `CPF item ${i} length ${len} overruns the data`)
    const item = decodeItem(bytes, typeId, p + 4, q)
    if (Either.isLeft(item)) return Either.left(item.left)
    items.push(item.right)
    p = q
  }
  if (p !== end) return fail("BadLength", p, `${end - p} bytes after the last CPF item`)
  return Either.right(items)
}

/** Decode a whole buffer as a CPF. */
export const decodeCpf = (bytes: Uint8Array): Either.Either<ReadonlyArray<CpfItem>, CodecError> =>
  decodeCpfAt(bytes, 0, bytes.length)

const itemTypeId = (item: CpfItem): number => {
  switch (item._tag) {
    case "NullAddress": return ItemType.NullAddress
    case "ConnectedAddress": return ItemType.ConnectedAddress
    case "SequencedAddress": return ItemType.SequencedAddress
    case "ConnectedData": return ItemType.ConnectedData
    case "UnconnectedData": return ItemType.UnconnectedData
    case "ListIdentity": return ItemType.ListIdentity
    case "ListServices": return ItemType.ListServices
    case "Sockaddr": return item.typeId
    case "Unknown": return item.typeId
  }
}

/** Write the count and items. */
export const writeCpf = (w: Writer, items: ReadonlyArray<CpfItem>): void => {
  w.u16(items.length)
  for (const item of items) {
    w.u16(itemTypeId(item))
    const lenAt = w.skip(2)
    const start = w.pos
    switch (item._tag) {
      case "NullAddress": break
      case "ConnectedAddress": w.u32(item.connectionId); break
      case "SequencedAddress": w.u32(item.connectionId).u32(item.sequence); break
      case "ConnectedData": w.u16(item.sequence).bytes(item.data); break
      case "UnconnectedData": w.bytes(item.data); break
      case "ListIdentity": writeIdentity(w, item.identity); break
      case "ListServices": {
        w.u16(item.version).u16(item.capability)
        for (let k = 0; k < item.name.length; k++) w.u8(item.name.charCodeAt(k))
        for (let k = item.name.length; k < Math.max(item.name.length + 1, item.nameSize ?? serviceNameSize(item.name)); k++) w.u8(0)
        break
      }
      case "Sockaddr": writeSockaddr(w, item.sockaddr); break
      case "Unknown": w.bytes(item.data); break
    }
    w.setU16(lenAt, w.pos - start)
  }
}

/** Encode items as a CPF (count + items). */
export const encodeCpf = (items: ReadonlyArray<CpfItem>): Uint8Array => {
  const w = new Writer(64)
  writeCpf(w, items)
  return w.finish()
}
