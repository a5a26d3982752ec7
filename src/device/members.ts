/**
 * Tag services on a member of a structure element (`M[3].Speed`, `M[3].Faults[2]`, a nested
 * `Line.Pump.Speed`, a STRING's `S.LEN` / `S.DATA[i]`), as a ControlLogix serves them: the
 * member's own type on the wire (atomic, DWORD for a BOOL array, 0x02A0 + handle for a nested
 * structure, BOOL for a BOOL member), read and written inside the element by read-modify-write,
 * so the rest of the element is untouched. A BOOL member reads as one byte, 1 or 0, and a write
 * sets or clears its bit in the hidden host byte.
 */
import { Effect, Either } from "effect"
import { decodeElements, isInteger, perElement, typeLabel, wireType } from "../cip/element.js"
import type { CipReply } from "../cip/model.js"
import { replyService } from "../cip/model.js"
import { ExtendedStatus, Status } from "../cip/status.js"
import { sameTypeSpec, type TypeSpec } from "../cip/types.js"
import { type AccessView, type Outcome, TagError, type TagStoreService } from "../tags/tagStore.js"
import type { MemberTarget, TagTarget } from "./paths.js"
import { errorReply, type SyncOr } from "./reply.js"

type Member = TagTarget & { readonly member: MemberTarget }

const outOfRange = (service: number) => errorReply(service, Status.GeneralError, [ExtendedStatus.OutOfRange])

const answer = <A>(service: number, o: Outcome<A>, ok: (a: A) => CipReply): SyncOr<CipReply> => {
  if (o instanceof TagError) return errorReply(service, o.status, o.extStatus)
  if (Effect.isEffect(o)) {
    return Effect.match(o as Effect.Effect<A, TagError>, { onFailure: (e) => errorReply(service, e.status, e.extStatus), onSuccess: ok })
  }
  return ok(o as A)
}

/** The member's elements `[index, index+n)` as they go on the wire (a BOOL member: 1 or 0). */
const memberBytes = (m: MemberTarget, element: Uint8Array, n: number): Uint8Array => {
  const at = m.offset + m.index * m.size
  if (m.element._tag !== "Bit") return element.subarray(at, at + n * m.size)
  return Uint8Array.of((element[at]! >> m.element.bit) & 1)
}

/** What an access to `n` member elements tells events and history: the member's path and values. */
const viewOf = (m: MemberTarget, n: number): AccessView => ({
  name: m.path,
  type: typeLabel(m.element),
  start: m.index * perElement(m.element),
  count: n * perElement(m.element),
  values: (element) => {
    const at = m.offset + m.index * m.size
    const r = decodeElements(m.element, element.subarray(at, at + n * m.size), n)
    return Either.isRight(r) ? r.right : []
  }
})

/**
 * Bytes of at most `room`: whole member elements when one fits, else (a structure larger than
 * the reply) 4-byte multiples — the rest follows by Read Tag Fragmented.
 */
const fit = (m: MemberTarget, bytes: number, room: number): number => {
  if (bytes <= room) return bytes
  const whole = Math.floor(room / m.size) * m.size
  return whole > 0 || m.element._tag !== "Struct" ? Math.max(0, whole) : Math.max(0, Math.floor(room / 4) * 4)
}

/** Read Tag (offset 0) or Read Tag Fragmented on a member. */
export const readMember = (
  store: TagStoreService, t: Member, service: number, elements: number, offset: number, fragmented: boolean, maxReply: number
): SyncOr<CipReply> => {
  const m = t.member
  if (elements < 1 || m.index < 0 || m.index + elements > m.count) return outOfRange(service)
  const type = wireType(m.element)
  return answer(service, store.readBytes(t.tag, t.start, 1, viewOf(m, elements)), (el) => {
    const all = memberBytes(m, el, elements)
    if (offset > 0 && offset >= all.length) return outOfRange(service)
    const rest = all.subarray(offset)
    const room = maxReply - 4 - (type.handle !== undefined ? 4 : 2)
    const n = fit(m, rest.length, room)
    const status = n < rest.length ? Status.PartialTransfer : 0
    const data = rest.slice(0, n)
    return fragmented
      ? { _tag: "ReadTagFragmented", service: replyService(service), status, extStatus: [], type, data }
      : { _tag: "ReadTag", service: replyService(service), status, extStatus: [], type, data }
  })
}


/** Write Tag (offset 0) or Write Tag Fragmented on a member; bytes past its elements are ignored. */
export const writeMember = (
  store: TagStoreService, t: Member, service: number, type: TypeSpec, elements: number, offset: number, data: Uint8Array,
  fragmented: boolean, done: () => CipReply
): SyncOr<CipReply> => {
  const m = t.member
  if (!sameTypeSpec(type, wireType(m.element))) return errorReply(service, Status.GeneralError, [ExtendedStatus.TypeMismatch])
  if (elements < 1 || m.index < 0 || m.index + elements > m.count) return outOfRange(service)
  const total = elements * m.size
  if (!fragmented && data.length < total) return errorReply(service, Status.NotEnoughData)
  if (offset >= total) return errorReply(service, Status.TooMuchData)
  // Bytes past the member's elements are ignored, as in a Write Tag of a whole tag.
  const part = data.subarray(0, total - offset)
  const at = m.offset + m.index * m.size + offset
  const element = m.element
  return answer(service, store.updateBytes(t.tag, t.start, 1, (old) => {
    const next = old.slice()
    if (element._tag === "Bit") {
      // A BOOL member: its bit of the host byte, the host's other BOOLs untouched.
      next[at] = part[0] !== 0 ? next[at]! | (1 << element.bit) : next[at]! & ~(1 << element.bit)
    } else {
      next.set(part, at)
    }
    return next
  }, viewOf(m, elements)), done)
}

/** Read-Modify-Write on an integer member element (LEN, one DATA byte, a DINT of a UDT, a BOOL array's DWORD). */
export const modifyMember = (
  store: TagStoreService, t: Member, service: number, orMask: Uint8Array, andMask: Uint8Array, done: () => CipReply
): SyncOr<CipReply> => {
  const m = t.member
  if (!isInteger(m.element) || m.element._tag === "Bit" || orMask.length > m.size) {
    return errorReply(service, Status.GeneralError, [ExtendedStatus.TypeMismatch])
  }
  if (m.index < 0 || m.index >= m.count) return outOfRange(service)
  const at = m.offset + m.index * m.size
  return answer(service, store.updateBytes(t.tag, t.start, 1, (old) => {
    const next = old.slice()
    for (let i = 0; i < orMask.length; i++) next[at + i] = (next[at + i]! | orMask[i]!) & andMask[i]!
    return next
  }, viewOf(m, 1)), done)
}
