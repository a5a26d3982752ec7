/**
 * Tag services on a member of a Logix STRING element (`S.LEN`, `S.DATA[i]`), as a ControlLogix
 * serves structure members: LEN is a DINT, DATA a SINT[82] inside the 88-byte element.
 */
import { Effect } from "effect"
import type { CipReply } from "../cip/model.js"
import { replyService } from "../cip/model.js"
import { ExtendedStatus, Status } from "../cip/status.js"
import { CipType, type TypeSpec } from "../cip/types.js"
import { type Outcome, TagError, type TagStoreService } from "../tags/tagStore.js"
import type { MemberTarget, TagTarget } from "./paths.js"
import { errorReply, type SyncOr } from "./reply.js"

type Member = TagTarget & { readonly member: MemberTarget }

const sizeOf = (m: MemberTarget) => (m.type === "DINT" ? 4 : 1)
const specOf = (m: MemberTarget): TypeSpec => ({ code: CipType[m.type] })
const outOfRange = (service: number) => errorReply(service, Status.GeneralError, [ExtendedStatus.OutOfRange])

const answer = <A>(service: number, o: Outcome<A>, ok: (a: A) => CipReply): SyncOr<CipReply> => {
  if (o instanceof TagError) return errorReply(service, o.status, o.extStatus)
  if (Effect.isEffect(o)) {
    return Effect.match(o as Effect.Effect<A, TagError>, { onFailure: (e) => errorReply(service, e.status, e.extStatus), onSuccess: ok })
  }
  return ok(o as A)
}

/** Read Tag (offset 0) or Read Tag Fragmented on a member. */
export const readMember = (
  store: TagStoreService, t: Member, service: number, elements: number, offset: number, fragmented: boolean, maxReply: number
): SyncOr<CipReply> => {
  const m = t.member
  const size = sizeOf(m)
  if (elements < 1 || m.index < 0 || m.index + elements > m.count) return outOfRange(service)
  const type = specOf(m)
  return answer(service, store.readBytes(t.tag, t.start, 1), (el) => {
    const all = el.subarray(m.offset + m.index * size, m.offset + (m.index + elements) * size)
    if (offset > 0 && offset >= all.length) return outOfRange(service)
    const rest = all.subarray(offset)
    const room = maxReply - 4 - 2
    const n = rest.length <= room ? rest.length : Math.max(0, Math.floor(room / size) * size)
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
  const size = sizeOf(m)
  if (type.code !== CipType[m.type]) return errorReply(service, Status.GeneralError, [ExtendedStatus.TypeMismatch])
  if (elements < 1 || m.index < 0 || m.index + elements > m.count) return outOfRange(service)
  const total = elements * size
  if (!fragmented && data.length < total) return errorReply(service, Status.NotEnoughData)
  if (offset >= total) return errorReply(service, Status.TooMuchData)
  // Bytes past the member's elements are ignored, as in a Write Tag of a whole tag.
  const part = data.subarray(0, total - offset)
  const at = m.offset + m.index * size + offset
  return answer(service, store.updateBytes(t.tag, t.start, 1, (old) => {
    const next = old.slice()
    next.set(part, at)
    return next
  }), done)
}

/** Read-Modify-Write on a member element (LEN, or one DATA byte). */
export const modifyMember = (
  store: TagStoreService, t: Member, service: number, orMask: Uint8Array, andMask: Uint8Array, done: () => CipReply
): SyncOr<CipReply> => {
  const m = t.member
  const size = sizeOf(m)
  if (orMask.length > size) return errorReply(service, Status.GeneralError, [ExtendedStatus.TypeMismatch])
  if (m.index < 0 || m.index >= m.count) return outOfRange(service)
  const at = m.offset + m.index * size
  return answer(service, store.updateBytes(t.tag, t.start, 1, (old) => {
    const next = old.slice()
    for (let i = 0; i < orMask.length; i++) next[at + i] = (next[at + i]! | orMask[i]!) & andMask[i]!
    return next
  }), done)
}
