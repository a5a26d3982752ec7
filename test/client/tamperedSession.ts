import { Effect } from "effect"
import type { Session } from "../../src/client/session.js"
import type { CipReply, CipRequest } from "../../src/cip/model.js"

/** A session whose replies pass through `tamper`, recording each request (`count` by service). */
export const tampered = (session: Session, tamper: (req: CipRequest, reply: CipReply) => CipReply = (_, r) => r) => {
  const sent: Array<CipRequest> = []
  const s: Session = { ...session, request: (req) => { sent.push(req); return Effect.map(session.request(req), (r) => tamper(req, r)) } }
  return { session: s, sent, count: (tag: CipRequest["_tag"]) => sent.filter((r) => r._tag === tag).length }
}
