/**
 * Fuzzing a live simulator over TCP. The simulator runs in a child process (its event loop and
 * memory measured alone); several fuzz connections send mutant frames while a healthy client
 * writes and reads back its own tag throughout. Invariants: the healthy client never fails, the
 * server answers each mutant (an error status or a reply) or closes that one connection, no
 * event-loop stall over 100 ms, heap back near its baseline, no session left behind.
 */
import * as dgram from "node:dgram"
import { type Conn, connect, encapStatus } from "./conn.js"
import { runHealthy, type HealthyReport, openSession, cipReplyOf } from "./healthy.js"
import { startServerChild } from "./child.js"
import { mutateFrame, prng } from "./mutate.js"
import { FUZZ_TAGS, seeds, sendRR } from "./seeds.js"
import type { ServerStats } from "./server.js"

export interface LiveReport {
  frames: number
  kinds: Map<string, number>
  /** Mutants that were complete frames yet got neither a reply nor a close. */
  silentFramed: number
  /** A few of those mutants (hex), for the report. */
  silentExamples: Array<string>
  /** Fuzz connections opened (each mutant that leaves the stream out of step costs one). */
  reconnects: number
  /** Mutant datagrams sent to the UDP port, and the replies they drew. */
  datagrams: number
  datagramReplies: number
  healthy: HealthyReport
  baseline: ServerStats
  after: ServerStats
  peakRss: number
  maxStallMs: number
  serverAlive: boolean
  millis: number
}

export interface LiveOptions {
  readonly frames: number
  readonly seed: number
  readonly workers?: number
  /** Mutant datagrams sent to the UDP listener alongside (default frames / 10). */
  readonly datagrams?: number
  /** How long a mutant may go unanswered before the next is sent, ms (an incomplete frame gets no reply). */
  readonly silenceMs?: number
  /**
   * How long a complete frame (one that is owed a reply) may go unanswered before it counts as
   * silent, ms: generous, so a loaded machine's scheduling delay is not taken for a lost reply.
   */
  readonly replyMs?: number
  readonly log?: (line: string) => void
}

const HEALTHY_TAG = "HEALTHY"

export const fuzzLive = async (options: LiveOptions): Promise<LiveReport> => {
  const workers = options.workers ?? 8
  const silenceMs = options.silenceMs ?? 100
  const replyMs = options.replyMs ?? 5000
  const server = await startServerChild({ tags: [...FUZZ_TAGS, `${HEALTHY_TAG}=DINT[4]`], udp: true })
  try {
    // Warm up (JIT, first allocations), then take the baseline.
    const warm = await openSession(server.port)
    warm.conn.destroy()
    await new Promise((r) => setTimeout(r, 200))
    const baseline = await server.stats({ gc: true, reset: true })
    const kinds = new Map<string, number>()
    const count = (k: string) => kinds.set(k, (kinds.get(k) ?? 0) + 1)
    let frames = 0
    let silentFramed = 0
    const silentExamples: Array<string> = []
    let reconnects = 0
    let fuzzing = true
    const started = performance.now()
    const healthy = runHealthy(server.port, HEALTHY_TAG, 1, () => !fuzzing)
    const { cip, frames: seedFrames } = seeds(0)

    const worker = async (w: number) => {
      const r = prng(options.seed * 31 + w)
      let conn: Conn | undefined
      let session = 0
      let previous = "connect"
      while (frames < options.frames) {
        if (conn === undefined || conn.closed) {
          reconnects++
          previous = "connect"
          try {
            const s = r.next() < 0.9 ? await openSession(server.port) : { conn: await connect(server.port), session: 0 }
            conn = s.conn
            session = s.session
          } catch (e) {
            count(`connect failed: ${String(e).slice(0, 60)}`)
            await new Promise((res) => setTimeout(res, 20))
            continue
          }
        }
        const m = mutateFrame(seedFrames, cip, r, (c) => sendRR(session, c, frames))
        // Frame-level mutants from seeds carry session 0: most get the live session put in.
        const bytes = m.bytes
        if (!m.how.startsWith("cip:") && bytes.length >= 8 && r.next() < 0.7) Buffer.from(bytes.buffer, bytes.byteOffset).writeUInt32LE(session, 4)
        frames++
        conn.send(bytes)
        const owed = m.framed && !(bytes[0] === 0 && bytes[1] === 0) // a complete frame, not a Nop
        const o = await conn.next(owed ? replyMs : silenceMs)
        if (o._tag === "Closed") count("closed by server")
        else if (o._tag === "Silent") {
          if (m.framed && bytes[0] === 0 && bytes[1] === 0) count("no reply (Nop: none is due)")
          else if (m.framed) {
            silentFramed++
            count("no reply (complete frame)")
            if (silentExamples.length < 20) silentExamples.push(`${m.how} (after ${previous}) ${Buffer.from(bytes).toString("hex").slice(0, 160)}`)
          } else count("no reply (incomplete frame: server waits for its bytes)")
          conn.destroy()
          conn = undefined
        } else {
          const st = encapStatus(o.frame)
          if (st !== 0) count(`encap status 0x${st.toString(16).padStart(4, "0")}`)
          else {
            const c = cipReplyOf(o.frame)
            count(c === undefined ? "reply (no CIP)" : `cip status 0x${(c[2] ?? 0).toString(16).padStart(2, "0")}`)
          }
          // Extra frames (a mutant holding two frames) are drained so replies stay paired.
          for (;;) { const more = await conn.next(5); if (more._tag !== "Frame") break }
        }
        previous = `${m.how}→${o._tag === "Frame" ? `status ${encapStatus(o.frame)}` : o._tag}`
        // A mutant whose length field disagrees with its bytes leaves the stream out of step
        // (its tail starts the next "frame"): start afresh so the next mutant is judged alone.
        if (!m.framed && conn !== undefined) { conn.destroy(); conn = undefined }
      }
      conn?.destroy()
    }
    let lastLog = performance.now()
    const progress = setInterval(() => {
      if (options.log && performance.now() - lastLog > 5000) { lastLog = performance.now(); options.log(`  … ${frames} frames`) }
    }, 1000)
    // UDP: mutant datagrams (List* and everything else) at the same port, a few in flight.
    let datagrams = 0
    let datagramReplies = 0
    const udp = async () => {
      const r = prng(options.seed * 97 + 5)
      const socket = dgram.createSocket("udp4")
      socket.on("message", () => { datagramReplies++ })
      socket.on("error", () => undefined)
      await new Promise<void>((res) => socket.bind(0, "127.0.0.1", () => res()))
      const total = options.datagrams ?? Math.floor(options.frames / 10)
      const list = seedFrames.filter((f) => f[0] === 0x63 || f[0] === 0x64 || f[0] === 0x04)
      for (let i = 0; i < total && frames < options.frames; i++) {
        const m = mutateFrame(list.length > 0 && r.next() < 0.7 ? list : seedFrames, cip, r, (c) => sendRR(0, c, i))
        socket.send(m.bytes, server.port, "127.0.0.1")
        datagrams++
        await new Promise((res) => setTimeout(res, 2))
      }
      await new Promise((res) => setTimeout(res, 100))
      socket.close()
    }
    await Promise.all([udp(), ...Array.from({ length: workers }, (_, w) => worker(w))])
    clearInterval(progress)
    fuzzing = false
    const h = await healthy
    const millis = performance.now() - started
    // Let the server notice the closed connections, then measure after a collection.
    await new Promise((r) => setTimeout(r, 300))
    const after = await server.stats({ gc: true })
    return {
      frames, kinds, silentFramed, silentExamples, reconnects, datagrams, datagramReplies, healthy: h, baseline, after, peakRss: after.peakRss,
      maxStallMs: after.maxDelayMs, serverAlive: server.alive(), millis
    }
  } finally {
    await server.stop()
  }
}
