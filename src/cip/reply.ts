/**
 * CIP Message Router replies: service|0x80, reserved, general status, extended status (USINT word
 * count + UINT words), reply data. A reply is decoded in the light of the request it answers —
 * never by guessing from its length — because the same reply code means different things.
 */
import { Either } from "effect"
import { fail, Writer } from "./bytes.js"
import type { CodecError } from "./errors.js"
import type { CipReply, CipRequest, SymbolInstance } from "./model.js"
import { multipleTable, readTypeSpec, requestService, writeTypeSpec } from "./request.js"
import { latin1Text, pathClass } from "./epath.js"
import { Status } from "./status.js"

type Rep = Either.Either<CipReply, CodecError>

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8)
const u32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000

/** Symbol object attributes whose values the Get Instance Attribute List reply decodes. */
export const SYMBOL_ATTRIBUTES: ReadonlyArray<number> = [1, 2, 7, 8]

const MAX_DEPTH = 8

type Head = { service: number; status: number; extStatus: Array<number> }
/** A reply kept raw: Generic on success, Error otherwise. */
const generic = (head: Head, data: Uint8Array): Rep =>
  Either.right(head.status === 0 ? { _tag: "Generic", ...head, data } : { _tag: "Error", ...head, data })

/** Options of reply decoding. */
export interface ReplyOptions {
  /**
   * The byte size of an attribute's value in a Get Attribute List reply (sizes are not on the
   * wire); without it only the last successful attribute's value can be delimited.
   */
  readonly attributeSize?: (attribute: number) => number | undefined
}

/** Decode one reply in `b[start, end)` answering `request`. */
export const decodeReplyAt = (
  b: Uint8Array, start: number, end: number, request: CipRequest, opts?: ReplyOptions, depth = 0
): Rep => {
  if (depth > MAX_DEPTH) return fail("Unsupported", start, "replies nested too deeply")
  if (start + 4 > end) return fail("Truncated", start, "reply header")
  const service = b[start]!
  if ((service & 0x80) === 0) return fail("BadValue", start, `service 0x${service.toString(16)} is not a reply code`)
  const status = b[start + 2]!
  const extWords = b[start + 3]!
  const p = start + 4 + 2 * extWords
  if (p > end) return fail("BadLength", start + 3, `extended status of ${extWords} words overruns the reply`)
  const extStatus: Array<number> = []
  for (let i = 0; i < extWords; i++) extStatus.push(u16(b, start + 4 + 2 * i))
  const data = b.subarray(p, end)
  const head = { service, status, extStatus }

  // A successful Unconnected Send is answered by the embedded request's reply, unwrapped.
  let req = request
  while (req._tag === "UnconnectedSend" && service !== 0xd2) req = req.request
  if (req._tag === "UnconnectedSend") {
    if (requestService(req.request) === 0x52) req = req.request
    else return generic(head, data)
  }
  if (service !== (requestService(req) | 0x80)) return generic(head, data)

  switch (req._tag) {
    case "ReadTag": case "ReadTagFragmented": {
      if ((status !== Status.Success && status !== Status.PartialTransfer) || data.length === 0) return generic(head, data)
      const t = readTypeSpec(b, p, end)
      if (Either.isLeft(t)) return Either.left(t.left)
      return Either.right({ _tag: req._tag, ...head, type: t.right.type, data: b.subarray(t.right.next, end) })
    }
    case "ReadTemplate":
      if (status !== Status.Success && status !== Status.PartialTransfer) return generic(head, data)
      return Either.right({ _tag: "ReadTemplate", ...head, data })
    case "WriteTag": case "WriteTagFragmented": case "ReadModifyWriteTag": case "SetAttributeSingle":
      if (status !== Status.Success || data.length > 0) return generic(head, data)
      return Either.right({ _tag: req._tag, ...head })
    case "GetAttributesAll": case "GetAttributeSingle":
      if (status !== Status.Success) return generic(head, data)
      return Either.right({ _tag: req._tag, ...head, data })
    case "MultipleServicePacket": {
      if ((status !== Status.Success && status !== Status.EmbeddedServiceError) || data.length === 0) return generic(head, data)
      const table = multipleTable(b, p, end)
      if (Either.isLeft(table)) return Either.left(table.left)
      const replies: Array<CipReply> = []
      for (let i = 0; i < table.right.length; i++) {
        const [s, e] = table.right[i]!
        const sub = req.requests[i] ?? { _tag: "Generic", path: [], service: b[s]! & 0x7f, data: new Uint8Array(0) }
        const r = decodeReplyAt(b, s, e, sub, opts, depth + 1)
        if (Either.isLeft(r)) return r
        replies.push(r.right)
      }
      return Either.right({ _tag: "MultipleServicePacket", ...head, replies })
    }
    case "GetAttributeList": {
      if (status !== Status.Success && status !== Status.AttributeListError) return generic(head, data)
      return decodeAttributeList(b, p, end, head, pathClass(req.path), opts) ?? generic(head, data)
    }
    case "GetInstanceAttributeList": {
      if (status !== Status.Success && status !== Status.PartialTransfer) return generic(head, data)
      return decodeInstances(b, p, end, req.attributes, head) ?? generic(head, data)
    }
    case "ForwardOpen": case "ForwardClose": {
      const large = req._tag === "ForwardOpen" && req.large
      if (status !== Status.Success) {
        if (data.length !== 8 && data.length !== 10) return generic(head, data)
        const base = { _tag: "ForwardOpenFailed" as const, ...head, large, connectionSerial: u16(b, p), originatorVendor: u16(b, p + 2), originatorSerial: u32(b, p + 4) }
        return Either.right(data.length === 10 ? { ...base, remainingPathSize: b[p + 8]! } : base)
      }
      const fixed = req._tag === "ForwardOpen" ? 26 : 10
      if (data.length < fixed) return fail("Truncated", p, `${req._tag} reply`)
      const appAt = p + fixed
      const appLen = b[appAt - 2]! * 2
      if (appAt + appLen !== end) return fail("BadLength", appAt - 2, `application reply size ${appLen / 2} words does not fit the reply`)
      const applicationReply = b.subarray(appAt, end)
      if (req._tag === "ForwardClose") {
        return Either.right({
          _tag: "ForwardClose", ...head, connectionSerial: u16(b, p), originatorVendor: u16(b, p + 2), originatorSerial: u32(b, p + 4), applicationReply
        })
      }
      return Either.right({
        _tag: "ForwardOpen", ...head, large, otConnectionId: u32(b, p), toConnectionId: u32(b, p + 4),
        connectionSerial: u16(b, p + 8), originatorVendor: u16(b, p + 10), originatorSerial: u32(b, p + 12),
        otApi: u32(b, p + 16), toApi: u32(b, p + 20), applicationReply
      })
    }
    default:
      return generic(head, data)
  }
}

/**
 * Value sizes of fixed-size attributes of the objects a Logix client asks with Get Attribute List:
 * Identity (class 1) and Template (class 0x6C: handle, member count, definition size in words,
 * structure size in bytes).
 */
export const ATTRIBUTE_SIZES: Readonly<Record<number, Readonly<Record<number, number>>>> = {
  0x01: { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 4, 8: 1, 9: 2, 10: 1 },
  0x6c: { 1: 2, 2: 2, 3: 4, 4: 4, 5: 4 }
}

/**
 * Get Attribute List reply: UINT count, then per attribute UINT id, UINT status and (when the status
 * is 0) its value. Value sizes are not on the wire: the last value is the rest of the data, others
 * take their size from `opts.attributeSize` or ATTRIBUTE_SIZES. Undelimitable replies → undefined
 * (the caller falls back to a Generic reply carrying the raw bytes).
 */
const decodeAttributeList = (
  b: Uint8Array, p: number, end: number, head: Head, cls: number | undefined, opts?: ReplyOptions
): Rep | undefined => {
  if (p + 2 > end) return undefined
  const n = u16(b, p)
  const attributes: Array<{ id: number; status: number; data?: Uint8Array }> = []
  let q = p + 2
  for (let i = 0; i < n; i++) {
    if (q + 4 > end) return undefined
    const id = u16(b, q)
    const st = u16(b, q + 2)
    q += 4
    if (st !== 0) { attributes.push({ id, status: st }); continue }
    const size = i === n - 1 ? end - q : opts?.attributeSize?.(id) ?? (cls === undefined ? undefined : ATTRIBUTE_SIZES[cls]?.[id])
    if (size === undefined || q + size > end) return undefined
    attributes.push({ id, status: st, data: b.subarray(q, q + size) })
    q += size
  }
  if (q !== end) return undefined
  return Either.right({ _tag: "GetAttributeList", ...head, attributes })
}

/** Get Instance Attribute List reply: per instance UDINT id then the requested attributes' values. */
const decodeInstances = (
  b: Uint8Array, p: number, end: number, attrs: ReadonlyArray<number>, head: { service: number; status: number; extStatus: Array<number> }
): Rep | undefined => {
  if (!attrs.every((a) => SYMBOL_ATTRIBUTES.includes(a))) return undefined
  const instances: Array<SymbolInstance> = []
  let q = p
  while (q < end) {
    if (q + 4 > end) return fail("Truncated", q, "symbol instance id")
    const inst: { -readonly [K in keyof SymbolInstance]: SymbolInstance[K] } = { instance: u32(b, q) }
    q += 4
    for (const a of attrs) {
      switch (a) {
        case 1: {
          if (q + 2 > end) return fail("Truncated", q, "symbol name length")
          const n = u16(b, q)
          if (q + 2 + n > end) return fail("Truncated", q, "symbol name")
          inst.name = latin1Text(b, q + 2, q + 2 + n)
          q += 2 + n
          break
        }
        case 2: case 7:
          if (q + 2 > end) return fail("Truncated", q, `symbol attribute ${a}`)
          if (a === 2) inst.symbolType = u16(b, q); else inst.byteCount = u16(b, q)
          q += 2
          break
        case 8:
          if (q + 12 > end) return fail("Truncated", q, "symbol dimensions")
          inst.dimensions = [u32(b, q), u32(b, q + 4), u32(b, q + 8)]
          q += 12
          break
      }
    }
    instances.push(inst)
  }
  const ascending = attrs.every((a, i) => i === 0 || a > attrs[i - 1]!)
  return Either.right(ascending ? { _tag: "GetInstanceAttributeList", ...head, instances } : { _tag: "GetInstanceAttributeList", ...head, instances, order: attrs })
}

const writeSymbolAttribute = (w: Writer, i: SymbolInstance, a: number): void => {
  switch (a) {
    case 1:
      if (i.name === undefined) return
      w.u16(i.name.length)
      for (let k = 0; k < i.name.length; k++) w.u8(i.name.charCodeAt(k))
      return
    case 2: if (i.symbolType !== undefined) w.u16(i.symbolType); return
    case 7: if (i.byteCount !== undefined) w.u16(i.byteCount); return
    case 8: if (i.dimensions) w.u32(i.dimensions[0]).u32(i.dimensions[1]).u32(i.dimensions[2]); return
  }
}

/** Decode a whole buffer as the reply to `request`. */
export const decodeReply = (bytes: Uint8Array, request: CipRequest, opts?: ReplyOptions): Rep =>
  decodeReplyAt(bytes, 0, bytes.length, request, opts)

/** Write one reply. Attribute values of Get Instance Attribute List follow the fields present. */
export const writeReply = (w: Writer, r: CipReply): void => {
  w.u8(r.service).u8(0).u8(r.status).u8(r.extStatus.length)
  for (const e of r.extStatus) w.u16(e)
  switch (r._tag) {
    case "Error": case "Generic": case "GetAttributesAll": case "GetAttributeSingle": case "ReadTemplate":
      w.bytes(r.data); break
    case "ReadTag": case "ReadTagFragmented":
      writeTypeSpec(w, r.type); w.bytes(r.data); break
    case "WriteTag": case "WriteTagFragmented": case "ReadModifyWriteTag": case "SetAttributeSingle":
      break
    case "MultipleServicePacket": {
      const base = w.pos
      const n = r.replies.length
      w.u16(n)
      const table = w.skip(2 * n)
      for (let i = 0; i < n; i++) {
        const sub = r.replies[i]!
        w.setU16(table + 2 * i, w.pos - base)
        writeReply(w, sub)
      }
      break
    }
    case "GetAttributeList":
      w.u16(r.attributes.length)
      for (const a of r.attributes) {
        w.u16(a.id).u16(a.status)
        if (a.data) w.bytes(a.data)
      }
      break
    case "GetInstanceAttributeList":
      for (const i of r.instances) {
        w.u32(i.instance)
        for (const a of r.order ?? SYMBOL_ATTRIBUTES) writeSymbolAttribute(w, i, a)
      }
      break
    case "ForwardOpen":
      w.u32(r.otConnectionId).u32(r.toConnectionId).u16(r.connectionSerial).u16(r.originatorVendor).u32(r.originatorSerial)
        .u32(r.otApi).u32(r.toApi).u8(r.applicationReply.length >> 1).u8(0).bytes(r.applicationReply)
      break
    case "ForwardClose":
      w.u16(r.connectionSerial).u16(r.originatorVendor).u32(r.originatorSerial)
        .u8(r.applicationReply.length >> 1).u8(0).bytes(r.applicationReply)
      break
    case "ForwardOpenFailed":
      w.u16(r.connectionSerial).u16(r.originatorVendor).u32(r.originatorSerial)
      if (r.remainingPathSize !== undefined) w.u8(r.remainingPathSize).u8(0)
      break
  }
}

/** Encode one reply. */
export const encodeReply = (reply: CipReply): Uint8Array => {
  const w = new Writer(64)
  writeReply(w, reply)
  return w.finish()
}
