/**
 * Logix tag services: Read Tag, Read Tag Fragmented, Write Tag, Write Tag Fragmented and
 * Read-Modify-Write Tag, answered against the TagStore. Synchronous whenever the tag's Attribute
 * is; replies that would exceed the transport's size carry status 0x06 and the part that fits.
 */
import { Effect } from "effect"
import type {
  CipReply, ReadModifyWriteTagRequest, ReadTagFragmentedRequest, ReadTagRequest, WriteTagFragmentedRequest, WriteTagRequest
} from "../cip/model.js"
import { type EPath, Service } from "../cip/model.js"
import { formatEPath } from "../cip/epath.js"
import { ExtendedStatus, Status } from "../cip/status.js"
import { isInteger } from "../cip/element.js"
import type { TypeSpec } from "../cip/types.js"
import { encodedLength, sameTypeSpec, typeSpecSize } from "../cip/types.js"
import { type Outcome, type Tag, TagError, type TagStoreService } from "../tags/tagStore.js"
import { modifyMember, readMember, writeMember } from "./members.js"
import { isPathFailure, type PathFailure, resolveTag, UNKNOWN_TAG } from "./paths.js"
import { errorReply, type SyncOr } from "./reply.js"

const HEADER = 4 // Message Router reply header: service, reserved, status, ext size

/** Turn a TagStore outcome into a reply (failures become the tag error's CIP status). */
const answer = <A>(service: number, o: Outcome<A>, ok: (a: A) => CipReply): SyncOr<CipReply> => {
  if (o instanceof Uint8Array) return ok(o as A) // the usual answer, checked before the megamorphic isEffect
  if (o instanceof TagError) return errorReply(service, o.status, o.extStatus)
  if (Effect.isEffect(o)) {
    return Effect.match(o as Effect.Effect<A, TagError>, {
      onFailure: (e) => errorReply(service, e.status, e.extStatus),
      onSuccess: ok
    })
  }
  return ok(o as A)
}

/**
 * The reply to a path that names no tag; when it is an unknown tag (not a malformed path), the
 * store reports it too, so `-p`, history and the live page show what was asked for.
 */
const unresolved = (store: TagStoreService, service: number, path: EPath, elements: number, f: PathFailure): CipReply => {
  if (f === UNKNOWN_TAG) {
    const last = path[path.length - 1]
    const element = last?._tag === "Element" ? last.index : undefined
    store.reportUnknown(formatEPath(element !== undefined ? path.slice(0, -1) : path), element ?? 0, Math.max(1, elements))
  }
  return errorReply(service, f.status, f.extStatus)
}

/**
 * Bytes of at most `room`, cut at an element boundary when elements have a fixed size; a
 * structure larger than the reply is cut at a 4-byte multiple (the rest follows fragmented).
 */
const fit = (tag: Tag, bytes: number, room: number): number => {
  if (bytes <= room) return bytes
  const size = tag.elementSize
  if (size === undefined || size <= 0) return Math.max(0, room)
  const whole = Math.floor(room / size) * size
  return whole > 0 || tag.element._tag !== "Struct" ? Math.max(0, whole) : Math.max(0, Math.floor(room / 4) * 4)
}

/** Bytes at the start of `data` holding `elements` of the tag's type, or undefined if too few. */
const lengthOf = (tag: Tag, data: Uint8Array, elements: number): number | undefined => {
  if (tag.element._tag === "Atomic") return encodedLength(tag.element.name, data, elements)
  const n = tag.elementSize! * elements
  return n <= data.length ? n : undefined
}

/**
 * The bytes of a read: with `atOnce` (the caller encodes the reply before anything else runs, see
 * `RequestContext.encodedAtOnce`) a view of the tag's stored bytes where the store can give one,
 * else a copy.
 */
const readOf = (store: TagStoreService, atOnce: boolean) => (atOnce ? store.viewBytes : store.readBytes)

export const readTag = (store: TagStoreService, req: ReadTagRequest, maxReply: number, atOnce = false): SyncOr<CipReply> => {
  const service = Service.ReadTag
  const t = resolveTag(store, req.path)
  if (isPathFailure(t)) return unresolved(store, service, req.path, req.elements, t)
  if (t.member) return readMember(store, { ...t, member: t.member }, service, req.elements, 0, false, maxReply)
  const type = t.tag.typeSpec
  return answer(service, readOf(store, atOnce)(t.tag, t.start, req.elements), (data) => {
    const room = maxReply - HEADER - typeSpecSize(type)
    const n = fit(t.tag, data.length, room)
    return n === data.length
      ? { _tag: "ReadTag", service: 0xcc, status: 0, extStatus: [], type, data }
      : { _tag: "ReadTag", service: 0xcc, status: Status.PartialTransfer, extStatus: [], type, data: data.subarray(0, n) }
  })
}

/** A Read Tag Fragmented reply carrying `data`; `more` when later fragments follow (status 0x06). */
const fragment = (type: TypeSpec, data: Uint8Array, more: boolean): CipReply =>
  ({ _tag: "ReadTagFragmented", service: 0xd2, status: more ? Status.PartialTransfer : 0, extStatus: [], type, data })

export const readTagFragmented = (store: TagStoreService, req: ReadTagFragmentedRequest, maxReply: number, atOnce = false): SyncOr<CipReply> => {
  const service = Service.ReadTagFragmented
  const t = resolveTag(store, req.path)
  if (isPathFailure(t)) return unresolved(store, service, req.path, req.elements, t)
  if (t.member) return readMember(store, { ...t, member: t.member }, service, req.elements, req.offset, true, maxReply)
  const { tag, start } = t
  const type = tag.typeSpec
  const room = maxReply - HEADER - typeSpecSize(type)
  const reply = (data: Uint8Array, more: boolean): CipReply => fragment(type, data, more)
  const size = tag.elementSize
  if (size === undefined || tag.error !== undefined || start < 0 || req.elements < 1 || start + req.elements > tag.wireCount) {
    // Variable-size elements (or an error to report): read the whole request, then cut.
    return answer(service, store.readBytes(tag, start, req.elements), (all) => {
      if (req.offset > all.length || (req.offset === all.length && all.length > 0)) {
        return errorReply(service, Status.GeneralError, [ExtendedStatus.OutOfRange])
      }
      const rest = all.subarray(req.offset)
      const n = fit(tag, rest.length, room)
      return reply(rest.subarray(0, n), n < rest.length)
    })
  }
  const total = size * req.elements
  if (req.offset >= total) return errorReply(service, Status.GeneralError, [ExtendedStatus.OutOfRange])
  // Only read the elements this fragment covers.
  const end = req.offset + fit(tag, total - req.offset, room)
  const first = Math.floor(req.offset / size)
  const last = Math.ceil(end / size)
  if (end <= req.offset) return errorReply(service, Status.ReplyDataTooLarge)
  const from = req.offset - first * size
  const to = end - first * size
  // The whole read as it is (the usual case): a view of a small, fresh copy would move its
  // bytes off the V8 heap, an allocation per request.
  const cut = (bytes: Uint8Array): CipReply => fragment(type, from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to), end < total)
  const read = readOf(store, atOnce)(tag, start + first, last - first)
  // Answered at once when the bytes are there (no callback to build: a packet of 16 reads pays it 16 times).
  return read instanceof Uint8Array ? cut(read) : answer(service, read, cut)
}

/** A type mismatch reply, or undefined when the write's type is the tag's. */
const typeCheck = (tag: Tag, service: number, type: TypeSpec): CipReply | undefined =>
  sameTypeSpec(type, tag.typeSpec) ? undefined : errorReply(service, Status.GeneralError, [ExtendedStatus.TypeMismatch])

/**
 * Write Tag. The data is what the type and element count describe; bytes after it are ignored,
 * as a ControlLogix ignores them: pycomm3 1.2.14 repeats its whole request after the data, and
 * libplctag pads odd-length data with a zero byte. Too few bytes are refused (0x13).
 */
export const writeTag = (store: TagStoreService, req: WriteTagRequest): SyncOr<CipReply> => {
  const service = Service.WriteTag
  const t = resolveTag(store, req.path)
  if (isPathFailure(t)) return unresolved(store, service, req.path, req.elements, t)
  if (t.member) {
    return writeMember(store, { ...t, member: t.member }, service, req.type, req.elements, 0, req.data, false,
      () => ({ _tag: "WriteTag", service: 0xcd, status: 0, extStatus: [] }))
  }
  const bad = typeCheck(t.tag, service, req.type)
  if (bad) return bad
  const n = lengthOf(t.tag, req.data, req.elements)
  if (n === undefined) return errorReply(service, Status.NotEnoughData)
  return answer(service, store.writeBytes(t.tag, t.start, req.elements, req.data.subarray(0, n)), () =>
    ({ _tag: "WriteTag", service: 0xcd, status: 0, extStatus: [] }))
}

export const writeTagFragmented = (store: TagStoreService, req: WriteTagFragmentedRequest): SyncOr<CipReply> => {
  const service = Service.WriteTagFragmented
  const t = resolveTag(store, req.path)
  if (isPathFailure(t)) return unresolved(store, service, req.path, req.elements, t)
  const done = (): CipReply => ({ _tag: "WriteTagFragmented", service: 0xd3, status: 0, extStatus: [] })
  if (t.member) return writeMember(store, { ...t, member: t.member }, service, req.type, req.elements, req.offset, req.data, true, done)
  const { tag, start } = t
  const bad = typeCheck(tag, service, req.type)
  if (bad) return bad
  const size = tag.elementSize
  if (size === undefined) {
    // Variable-size elements can only be written whole (bytes after them are ignored).
    if (req.offset !== 0) return errorReply(service, Status.GeneralError, [ExtendedStatus.LengthMismatch])
    const n = lengthOf(tag, req.data, req.elements)
    if (n === undefined) return errorReply(service, Status.NotEnoughData)
    return answer(service, store.writeBytes(tag, start, req.elements, req.data.subarray(0, n)), done)
  }
  if (tag.error !== undefined || start < 0 || req.elements < 1 || start + req.elements > tag.wireCount) {
    // The store reports the forced error or the bounds failure (and publishes it).
    return answer(service, store.readBytes(tag, start, req.elements), done)
  }
  const total = size * req.elements
  if (req.offset >= total) return errorReply(service, Status.TooMuchData)
  // A fragment's bytes past the end of the elements are ignored, as in Write Tag (libplctag pads
  // an odd-length last fragment with a zero byte).
  const data = req.data.subarray(0, total - req.offset)
  const end = req.offset + data.length
  const first = Math.floor(req.offset / size)
  const last = Math.max(first + 1, Math.ceil(end / size))
  if (req.offset % size === 0 && data.length % size === 0 && data.length > 0) {
    return answer(service, store.writeBytes(tag, start + first, last - first, data), done)
  }
  return answer(service, store.updateBytes(tag, start + first, last - first, (old) => {
    const next = old.slice()
    next.set(data, req.offset - first * size)
    return next
  }), done)
}

export const readModifyWriteTag = (store: TagStoreService, req: ReadModifyWriteTagRequest): SyncOr<CipReply> => {
  const service = Service.ReadModifyWriteTag
  const t = resolveTag(store, req.path)
  if (isPathFailure(t)) return unresolved(store, service, req.path, 1, t)
  const width = req.orMask.length
  if (width !== req.andMask.length || ![1, 2, 4, 8].includes(width)) return errorReply(service, Status.InvalidParameter)
  const rmwDone = (): CipReply => ({ _tag: "ReadModifyWriteTag", service: 0xce, status: 0, extStatus: [] })
  if (t.member) return modifyMember(store, { ...t, member: t.member }, service, req.orMask, req.andMask, rmwDone)
  const { tag, start } = t
  if (!isInteger(tag.element) || width > (tag.elementSize ?? 0)) {
    return errorReply(service, Status.GeneralError, [ExtendedStatus.TypeMismatch])
  }
  return answer(service, store.updateBytes(tag, start, 1, (old) => {
    const next = old.slice()
    for (let i = 0; i < width; i++) next[i] = (next[i]! | req.orMask[i]!) & req.andMask[i]!
    return next
  }), () => ({ _tag: "ReadModifyWriteTag", service: 0xce, status: 0, extStatus: [] }))
}
