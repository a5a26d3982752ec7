/**
 * CIP Message Router requests: service, path, request data. Decoded by service AND target class,
 * since Logix reuses codes: 0x52 is Unconnected Send on the Connection Manager (class 6) but Read
 * Tag Fragmented elsewhere; 0x4E is Forward Close on class 6, else Read-Modify-Write Tag; 0x4C on
 * the Template object (class 0x6C) is Read Template, else Read Tag.
 */
import { Either } from "effect"
import { err, fail, Writer } from "./bytes.js"
import { decodeForwardClose, decodeForwardOpen, writeForwardClose, writeForwardOpen } from "./connmgr.js"
import { decodeEPath, decodePathWithSize, pathClass, writePathWithSize } from "./epath.js"
import type { CodecError } from "./errors.js"
import { type CipRequest, ClassId, type EPath, Service } from "./model.js"
import { CipType, type TypeSpec } from "./types.js"

type R = Either.Either<CipRequest, CodecError>

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8)
const u32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000

/** Data must be exactly `n` bytes: fewer → Truncated (CIP 0x13), more → BadLength (CIP 0x15). */
const exact = (p: number, end: number, n: number, what: string): CodecError | undefined => {
  if (end - p < n) return err("Truncated", p, `not enough data for ${what}`)
  if (end - p > n) return err("BadLength", p + n, `${end - p - n} bytes too many for ${what}`)
  return undefined
}

/** A type spec (UINT code, plus UINT structure handle for STRUCT) at `p`; `next` after it. */
export const readTypeSpec = (b: Uint8Array, p: number, end: number): Either.Either<{ type: TypeSpec; next: number }, CodecError> => {
  if (p + 2 > end) return fail("Truncated", p, "data type")
  const code = u16(b, p)
  if (code === CipType.STRUCT) {
    if (p + 4 > end) return fail("Truncated", p, "structure handle")
    return Either.right({ type: { code, handle: u16(b, p + 2) }, next: p + 4 })
  }
  return Either.right({ type: { code }, next: p + 2 })
}

export const writeTypeSpec = (w: Writer, t: TypeSpec): void => {
  w.u16(t.code)
  if (t.code === CipType.STRUCT) w.u16(t.handle ?? 0)
}

const attributeList = (b: Uint8Array, p: number, end: number, what: string): Either.Either<Array<number>, CodecError> => {
  if (p + 2 > end) return fail("Truncated", p, `${what} attribute count`)
  const n = u16(b, p)
  const e = exact(p + 2, end, n * 2, `${what} attribute list of ${n}`)
  if (e) return Either.left(e)
  const out: Array<number> = []
  for (let i = 0; i < n; i++) out.push(u16(b, p + 2 + 2 * i))
  return Either.right(out)
}

/** Decode a Multiple Service Packet's count, offset table and embedded requests in `b[p, end)`. */
const decodeMultiple = (b: Uint8Array, p: number, end: number, path: EPath, depth: number): R => {
  const table = multipleTable(b, p, end)
  if (Either.isLeft(table)) return Either.left(table.left)
  const requests: Array<CipRequest> = []
  for (const [s, e] of table.right) {
    const r = decodeRequestAt(b, s, e, depth + 1)
    if (Either.isLeft(r)) return r
    requests.push(r.right)
  }
  return Either.right({ _tag: "MultipleServicePacket", path, requests })
}

/**
 * The [start, end) byte ranges of a Multiple Service Packet's embedded messages. Offsets count from
 * the count field; they must lie after the table, inside the data, and strictly increase (no
 * overlaps, no empty messages).
 */
export const multipleTable = (b: Uint8Array, p: number, end: number): Either.Either<Array<[number, number]>, CodecError> => {
  if (p + 2 > end) return fail("Truncated", p, "Multiple Service Packet count")
  const n = u16(b, p)
  if (p + 2 + 2 * n > end) return fail("BadLength", p, `Multiple Service Packet count ${n} overruns the data`)
  const ranges: Array<[number, number]> = []
  let prev = 2 + 2 * n
  for (let i = 0; i < n; i++) {
    const off = u16(b, p + 2 + 2 * i)
    const next = i + 1 < n ? u16(b, p + 4 + 2 * i) : end - p
    if (off < prev || off >= end - p || next <= off || next > end - p) {
      return fail("BadOffset", p + 2 + 2 * i, `Multiple Service Packet offset ${i} (${off}) out of bounds or overlapping`)
    }
    ranges.push([p + off, p + next])
    prev = next
  }
  return Either.right(ranges)
}

const MAX_DEPTH = 8

/** Decode one request in `b[start, end)` (embedded requests recurse, bounded in depth). */
export const decodeRequestAt = (b: Uint8Array, start: number, end: number, depth = 0): R => {
  if (depth > MAX_DEPTH) return fail("Unsupported", start, "requests nested too deeply")
  if (start + 2 > end) return fail("Truncated", start, "request service and path size")
  const service = b[start]!
  if (service & 0x80) return fail("BadValue", start, `service 0x${service.toString(16)} is a reply code`)
  const p = start + 2 + b[start + 1]! * 2
  if (p > end) return fail("BadLength", start + 1, `request path of ${b[start + 1]} words overruns the data`)
  const pr = decodeEPath(b, start + 2, b[start + 1]!)
  if (Either.isLeft(pr)) return Either.left(pr.left)
  const path = pr.right
  const cls = pathClass(path)
  let e: CodecError | undefined
  switch (service) {
    case Service.ReadTag:
      if (cls === ClassId.Template) {
        if ((e = exact(p, end, 6, "Read Template request"))) return Either.left(e)
        return Either.right({ _tag: "ReadTemplate", path, offset: u32(b, p), bytes: u16(b, p + 4) })
      }
      if ((e = exact(p, end, 2, "Read Tag request"))) return Either.left(e)
      return Either.right({ _tag: "ReadTag", path, elements: u16(b, p) })
    case Service.ReadTagFragmented:
      if (cls === ClassId.ConnectionManager) return decodeUnconnectedSend(b, p, end, path, depth)
      if ((e = exact(p, end, 6, "Read Tag Fragmented request"))) return Either.left(e)
      return Either.right({ _tag: "ReadTagFragmented", path, elements: u16(b, p), offset: u32(b, p + 2) })
    case Service.WriteTag: case Service.WriteTagFragmented: {
      const t = readTypeSpec(b, p, end)
      if (Either.isLeft(t)) return Either.left(t.left)
      const q = t.right.next
      if (service === Service.WriteTag) {
        if (q + 2 > end) return fail("Truncated", q, "Write Tag element count")
        return Either.right({ _tag: "WriteTag", path, type: t.right.type, elements: u16(b, q), data: b.subarray(q + 2, end) })
      }
      if (q + 6 > end) return fail("Truncated", q, "Write Tag Fragmented element count and offset")
      return Either.right({
        _tag: "WriteTagFragmented", path, type: t.right.type, elements: u16(b, q), offset: u32(b, q + 2), data: b.subarray(q + 6, end)
      })
    }
    case Service.ReadModifyWriteTag: {
      if (cls === ClassId.ConnectionManager) return decodeForwardClose(b, p, end, path)
      if (p + 2 > end) return fail("Truncated", p, "Read-Modify-Write mask size")
      const n = u16(b, p)
      if (![1, 2, 4, 8, 12].includes(n)) return fail("BadValue", p, `Read-Modify-Write mask size ${n}`)
      // Bytes after the two masks are ignored, as after a Write Tag's data: pycomm3 1.2.14 sends an
      // 8-byte AND mask whatever the mask size (it slices the mask by its value, not its size), and
      // its bit writes (`DINT1.5`, `BOOLS[37]`) work on controllers.
      if (p + 2 + 2 * n > end) return fail("Truncated", p + 2, "Read-Modify-Write masks")
      return Either.right({ _tag: "ReadModifyWriteTag", path, orMask: b.subarray(p + 2, p + 2 + n), andMask: b.subarray(p + 2 + n, p + 2 + 2 * n) })
    }
    case Service.MultipleServicePacket:
      return decodeMultiple(b, p, end, path, depth)
    case Service.GetAttributesAll:
      if ((e = exact(p, end, 0, "Get Attributes All request"))) return Either.left(e)
      return Either.right({ _tag: "GetAttributesAll", path })
    case Service.GetAttributeSingle:
      if ((e = exact(p, end, 0, "Get Attribute Single request"))) return Either.left(e)
      return Either.right({ _tag: "GetAttributeSingle", path })
    case Service.GetAttributeList:
    case Service.GetInstanceAttributeList: {
      const l = attributeList(b, p, end, service === Service.GetAttributeList ? "Get Attribute List" : "Get Instance Attribute List")
      if (Either.isLeft(l)) return Either.left(l.left)
      return Either.right({ _tag: service === Service.GetAttributeList ? "GetAttributeList" : "GetInstanceAttributeList", path, attributes: l.right })
    }
    case Service.SetAttributeSingle:
      return Either.right({ _tag: "SetAttributeSingle", path, data: b.subarray(p, end) })
    case Service.ForwardOpen: case Service.LargeForwardOpen:
      if (cls === ClassId.ConnectionManager) return decodeForwardOpen(b, p, end, path, service === Service.LargeForwardOpen)
      break
  }
  return Either.right({ _tag: "Generic", path, service, data: b.subarray(p, end) })
}

/**
 * Unconnected Send data: priority/time tick, timeout ticks, UINT message length, the embedded
 * message, a pad byte if its length is odd, then the route path (USINT words, reserved, segments).
 */
const decodeUnconnectedSend = (b: Uint8Array, p: number, end: number, path: EPath, depth: number): R => {
  if (p + 4 > end) return fail("Truncated", p, "Unconnected Send header")
  const len = u16(b, p + 2)
  const msgEnd = p + 4 + len
  if (msgEnd > end) return fail("BadLength", p + 2, `Unconnected Send message length ${len} overruns the data`)
  const inner = decodeRequestAt(b, p + 4, msgEnd, depth + 1)
  if (Either.isLeft(inner)) return inner
  const routeAt = msgEnd + (len & 1)
  const rp = decodePathWithSize(b, routeAt, { padded: true })
  if (Either.isLeft(rp)) return Either.left(rp.left)
  if (rp.right.next !== end) return fail("BadLength", rp.right.next, "bytes after the Unconnected Send route path")
  return Either.right({
    _tag: "UnconnectedSend", path, priorityTimeTick: b[p]!, timeoutTicks: b[p + 1]!, request: inner.right, routePath: rp.right.path
  })
}

/** Decode a whole buffer as one Message Router request. */
export const decodeRequest = (bytes: Uint8Array): R => decodeRequestAt(bytes, 0, bytes.length)

/** The service code a request encodes with. */
export const requestService = (req: CipRequest): number => {
  switch (req._tag) {
    case "ForwardOpen": return req.large ? Service.LargeForwardOpen : Service.ForwardOpen
    case "Generic": return req.service
    default: return Service[req._tag]
  }
}

/** Write one request (service, path, data). */
export const writeRequest = (w: Writer, req: CipRequest): void => {
  w.u8(requestService(req))
  writePathWithSize(w, req.path)
  switch (req._tag) {
    case "ReadTag": w.u16(req.elements); break
    case "ReadTemplate": w.u32(req.offset).u16(req.bytes); break
    case "ReadTagFragmented": w.u16(req.elements).u32(req.offset); break
    case "WriteTag": writeTypeSpec(w, req.type); w.u16(req.elements).bytes(req.data); break
    case "WriteTagFragmented": writeTypeSpec(w, req.type); w.u16(req.elements).u32(req.offset).bytes(req.data); break
    case "ReadModifyWriteTag": w.u16(req.orMask.length).bytes(req.orMask).bytes(req.andMask); break
    case "MultipleServicePacket": {
      const base = w.pos
      const n = req.requests.length
      w.u16(n)
      const table = w.skip(2 * n)
      for (let i = 0; i < n; i++) {
        const r = req.requests[i]!
        w.setU16(table + 2 * i, w.pos - base)
        writeRequest(w, r)
      }
      break
    }
    case "GetAttributesAll": case "GetAttributeSingle": break
    case "GetAttributeList": case "GetInstanceAttributeList":
      w.u16(req.attributes.length)
      for (const a of req.attributes) w.u16(a)
      break
    case "SetAttributeSingle": w.bytes(req.data); break
    case "ForwardOpen": writeForwardOpen(w, req); break
    case "ForwardClose": writeForwardClose(w, req); break
    case "UnconnectedSend": {
      w.u8(req.priorityTimeTick).u8(req.timeoutTicks)
      const lenAt = w.skip(2)
      const start = w.pos
      writeRequest(w, req.request)
      const len = w.pos - start
      w.setU16(lenAt, len)
      if (len & 1) w.u8(0)
      writePathWithSize(w, req.routePath, true)
      break
    }
    case "Generic": w.bytes(req.data); break
  }
}

/** Encode one request. */
export const encodeRequest = (req: CipRequest): Uint8Array => {
  const w = new Writer(64)
  writeRequest(w, req)
  return w.finish()
}

