/**
 * Small helpers for building CIP replies and for running "synchronous unless an Attribute is
 * asynchronous" computations without allocating an Effect on the fast path.
 */
import { Effect } from "effect"
import type { CipReply, ErrorReply } from "../cip/model.js"
import { replyService } from "../cip/model.js"
import { typeSpecSize } from "../cip/types.js"

export const EMPTY = new Uint8Array(0)

/** A value now, or an Effect producing it (only when a custom Attribute or delay is involved). */
export type SyncOr<A> = A | Effect.Effect<A>

/** An error reply to a request with service code `service`. */
export const errorReply = (service: number, status: number, extStatus: ReadonlyArray<number> = [], data: Uint8Array = EMPTY): ErrorReply => ({
  _tag: "Error", service: replyService(service), status, extStatus, data
})

/** Map a possibly-asynchronous value (plain objects and Uint8Arrays are never Effects). */
export const mapSync = <A, B>(a: SyncOr<A>, f: (a: A) => SyncOr<B>): SyncOr<B> =>
  Effect.isEffect(a) ? Effect.flatMap(a as Effect.Effect<A>, (x) => { const b = f(x); return Effect.isEffect(b) ? (b as Effect.Effect<B>) : Effect.succeed(b) }) : f(a as A)

/**
 * Encoded length of a reply we produce (Message Router reply header 4 bytes + extended status
 * words + payload), used to keep replies within the transport's size limit without encoding.
 */
export const replyLength = (r: CipReply): number => {
  const head = 4 + 2 * r.extStatus.length
  switch (r._tag) {
    case "ReadTag": case "ReadTagFragmented": return head + typeSpecSize(r.type) + r.data.length
    case "MultipleServicePacket": return head + 2 + 2 * r.replies.length + r.replies.reduce((n, x) => n + replyLength(x), 0)
    case "GetAttributeList": return head + 2 + r.attributes.reduce((n, a) => n + 4 + (a.data?.length ?? 0), 0)
    case "WriteTag": case "WriteTagFragmented": case "ReadModifyWriteTag": case "SetAttributeSingle": return head
    case "ForwardOpen": return head + 26 + r.applicationReply.length
    case "ForwardOpenFailed": return head + 10
    case "ForwardClose": return head + 10 + r.applicationReply.length
    case "GetInstanceAttributeList": return head + 64 * r.instances.length // not produced by the device
    default: return head + r.data.length
  }
}
