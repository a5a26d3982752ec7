/**
 * Target `controller`: a sequence of CIP requests from up to four sessions, decoded and answered
 * by a fresh simulated controller. Contract: nothing throws and no request hits an internal
 * defect (the controller answers those with general error 0xFF: `onDefect` reveals them); every reply
 * encodes within the transport's size and decodes again; a request refused (or one that only
 * reads) changes no tag; the connection table stays within its limits and closing the sessions
 * leaves no connection behind.
 */
import { Effect, Exit } from "effect"
import type { CipReply, CipRequest } from "../../../src/cip/model.js"
import { decodeReply, encodeReply } from "../../../src/cip/reply.js"
import { decodeRequest } from "../../../src/cip/request.js"
import { Status } from "../../../src/cip/status.js"
import { makeController } from "../../../src/device/controller.js"
import { makeTagStore, type TagStoreService } from "../../../src/tags/tagStore.js"
import { FUZZ_TAGS } from "../seeds.js"
import { broken, codec, hex, show } from "./contract.js"

const MAX_CONNECTIONS = 16
const PER_SESSION = 6
const WRITES = new Set(["WriteTag", "WriteTagFragmented", "ReadModifyWriteTag", "SetAttributeSingle"])

/** Can this request change a tag? */
const writes = (q: CipRequest): boolean =>
  WRITES.has(q._tag) || (q._tag === "MultipleServicePacket" && q.requests.some(writes)) || (q._tag === "UnconnectedSend" && writes(q.request))

/** Every tag's bytes, one after another (compared with Buffer.equals: cheap enough per request). */
const snapshot = (store: TagStoreService): Buffer => {
  const parts: Array<Uint8Array> = []
  for (const t of store.tags) {
    const b = store.readBytes(t, 0, t.count)
    if (!(b instanceof Uint8Array)) return broken(`tag ${t.name} is not readable synchronously`)
    parts.push(b)
  }
  return Buffer.concat(parts)
}

/**
 * Input: records of [flags][length lo][length hi][CIP request bytes]. flags bits 0-1: session
 * 1-4; bit 2: connected (reply budget 4000 instead of 504); bit 3: the session ends after it.
 */
export const fuzz = (data: Buffer): void => {
  const store = Effect.runSync(makeTagStore(FUZZ_TAGS, { eventCapacity: 1 }))
  const defects: Array<string> = []
  const ctl = makeController(store, {
    maxConnections: MAX_CONNECTIONS, maxConnectionsPerSession: PER_SESSION, now: () => 0,
    onDefect: (d) => { defects.push(d instanceof Error ? d.stack ?? d.message : String(d)) }
  })
  let p = 0
  for (let n = 0; n < 32 && p + 3 <= data.length; n++) {
    const flags = data[p]!
    const len = data[p + 1]! | (data[p + 2]! << 8)
    const bytes = data.subarray(p + 3, p + 3 + len)
    p += 3 + len
    const session = (flags & 3) + 1
    const maxReply = flags & 4 ? 4000 : 504
    const q = codec("decodeRequest", decodeRequest(bytes))
    if (q !== undefined) {
      const before = snapshot(store)
      const r = ctl.handle(q, { session, maxReply })
      let reply: CipReply
      if (Effect.isEffect(r)) {
        const exit = Effect.runSyncExit(r)
        if (Exit.isFailure(exit)) broken(`controller Effect failed: ${String(exit.cause)}`)
        reply = (exit as Exit.Success<CipReply, never>).value
      } else reply = r
      if (defects.length > 0) broken(`controller defect on ${show(q)}:\n${defects[0]}`)
      const out = encodeReply(reply)
      if (out.length > maxReply && reply.status !== Status.ReplyDataTooLarge) broken(`reply of ${out.length} bytes exceeds the ${maxReply}-byte budget: ${show(reply).slice(0, 300)}`)
      codec(`the controller's own reply to ${show(q).slice(0, 200)} (${hex(out).slice(0, 200)})`, decodeReply(out, q))
      const refused = reply.status !== 0 && !(reply._tag === "MultipleServicePacket" && reply.status === Status.EmbeddedServiceError)
      if ((refused || !writes(q)) && !snapshot(store).equals(before)) broken(`tags changed by ${refused ? `a refused (0x${reply.status.toString(16)})` : "a read-only"} request ${show(q).slice(0, 300)}`)
    }
    const open = ctl.connections()
    if (open.length > MAX_CONNECTIONS) broken(`${open.length} connections open, limit ${MAX_CONNECTIONS}`)
    if (open.filter((c) => c.session === session).length > PER_SESSION) broken(`session ${session} holds more than ${PER_SESSION} connections`)
    if (flags & 8) {
      ctl.closeSession(session)
      if (ctl.connections().some((c) => c.session === session)) broken(`a connection of closed session ${session} is still open`)
    }
  }
  for (let s = 1; s <= 4; s++) ctl.closeSession(s)
  if (ctl.connections().length > 0) broken(`${ctl.connections().length} connections left after every session closed`)
}
