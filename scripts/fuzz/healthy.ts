/**
 * The healthy client: one registered session writing distinct values to its own tag and reading
 * them back, verifying each, for as long as it runs. Fuzzing and soak must never make it fail.
 */
import { Either } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { decodeReply } from "../../src/cip/reply.js"
import { encodeRequest } from "../../src/cip/request.js"
import { CipType } from "../../src/cip/types.js"
import { decodeFrame } from "../../src/enip/frame.js"
import { type Conn, connect, encapStatus, sessionOf } from "./conn.js"
import { registerFrame, sendRR } from "./seeds.js"

export interface HealthyReport {
  operations: number
  verified: number
  failures: Array<string>
  /** Longest round trip, ms. */
  maxLatencyMs: number
}

/** The CIP reply in a SendRRData reply frame. */
export const cipReplyOf = (frame: Uint8Array): Uint8Array | undefined => {
  const f = decodeFrame(frame)
  if (Either.isLeft(f) || f.right.body._tag !== "SendRRData") return undefined
  for (const item of f.right.body.items) if (item._tag === "UnconnectedData") return item.data
  return undefined
}

/** Open a session (RegisterSession) on a fresh connection (from `localAddress` when given). */
export const openSession = async (port: number, ms = 3000, localAddress?: string): Promise<{ conn: Conn; session: number }> => {
  const conn = await connect(port, "127.0.0.1", ms, localAddress)
  conn.send(registerFrame())
  const o = await conn.next(ms)
  if (o._tag !== "Frame" || encapStatus(o.frame) !== 0) { conn.destroy(); throw new Error(`RegisterSession failed: ${o._tag}`) }
  return { conn, session: sessionOf(o.frame) }
}

/** One request/reply exchange; returns the decoded reply or a failure text. */
export const exchange = async (conn: Conn, session: number, req: CipRequest, ms: number): Promise<Either.Either<CipReply, string>> => {
  conn.send(sendRR(session, encodeRequest(req)))
  const o = await conn.next(ms)
  if (o._tag !== "Frame") return Either.left(`no reply (${o._tag})`)
  if (encapStatus(o.frame) !== 0) return Either.left(`encapsulation status 0x${encapStatus(o.frame).toString(16)}`)
  const cip = cipReplyOf(o.frame)
  if (cip === undefined) return Either.left("reply without CIP data")
  const r = decodeReply(cip, req)
  return Either.isLeft(r) ? Either.left(`undecodable reply: ${r.left.message}`) : Either.right(r.right)
}

const dint = (v: number): Uint8Array => { const b = Buffer.alloc(4); b.writeInt32LE(v); return Uint8Array.from(b) }

/**
 * Write then read back `tag[index]` (a DINT array) until `stop()` is true; every mismatch,
 * error or timeout is a failure.
 */
export const runHealthy = async (port: number, tag: string, index: number, stop: () => boolean, ms = 2000): Promise<HealthyReport> => {
  const report: HealthyReport = { operations: 0, verified: 0, failures: [], maxLatencyMs: 0 }
  let s: { conn: Conn; session: number }
  try { s = await openSession(port, ms) } catch (e) { report.failures.push(String(e)); return report }
  const path = [{ _tag: "Symbolic", name: tag } as const, { _tag: "Element", index } as const]
  let value = 1
  while (!stop()) {
    value = (value * 48271) % 0x7fffffff
    const t0 = performance.now()
    const w = await exchange(s.conn, s.session, { _tag: "WriteTag", path, type: { code: CipType.DINT }, elements: 1, data: dint(value) }, ms)
    report.operations++
    if (Either.isLeft(w) || w.right.status !== 0) { report.failures.push(`write: ${Either.isLeft(w) ? w.left : `status 0x${w.right.status.toString(16)}`}`); break }
    const r = await exchange(s.conn, s.session, { _tag: "ReadTag", path, elements: 1 }, ms)
    report.operations++
    report.maxLatencyMs = Math.max(report.maxLatencyMs, performance.now() - t0)
    if (Either.isLeft(r) || r.right._tag !== "ReadTag") { report.failures.push(`read: ${Either.isLeft(r) ? r.left : `status 0x${r.right.status.toString(16)}`}`); break }
    const got = Buffer.from(r.right.data).readInt32LE(0)
    if (got !== value) { report.failures.push(`read back ${got}, wrote ${value}`); break }
    report.verified++
    await new Promise((res) => setTimeout(res, 2))
  }
  s.conn.destroy()
  return report
}
