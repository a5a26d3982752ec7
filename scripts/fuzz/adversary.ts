/**
 * The soak's adversaries (issue 20): the attacks that once froze or starved the simulator, run
 * side by side while the healthy clients work. Each runs until `running()` is false and counts
 * what it did and what it got.
 *
 * - a glob attacker: star-heavy near misses and malformed globs against the web API;
 * - live pages: many `/events` streams that read (beyond the cap, refused);
 * - sessions that never read, each from its own address, holding the replies it does not take;
 * - a Forward Open hog: one address trying to hold the whole connection table;
 * - a Multiple Service Packet flood of large reads with writes, every acknowledged write noted.
 */
import { Either } from "effect"
import * as net from "node:net"
import type { CipRequest, CipReply } from "../../src/cip/model.js"
import { encodeRequest } from "../../src/cip/request.js"
import { CipType } from "../../src/cip/types.js"
import { connect, sessionOf } from "./conn.js"
import { exchange, openSession } from "./healthy.js"
import { registerFrame, sendRR } from "./seeds.js"

export interface AdversaryOptions {
  /** Live pages to open (the server refuses those beyond its cap). */
  readonly pages: number
  /** Sessions that never read. */
  readonly mutes: number
  readonly globAttacker: boolean
  readonly forwardOpenHog: boolean
  readonly mspFlood: boolean
}

export interface AdversaryReport {
  globRequests: number
  globSlowestMs: number
  /** Replies to the glob attacker that were not a JSON refusal or answer (e.g. HTTP 500). */
  globBadReplies: number
  pagesOpen: number
  pagesRefused: number
  pageBytes: number
  muteSessions: number
  muteRequestBytes: number
  hogConnections: number
  hogRefused: number
  mspPackets: number
  mspWritesAcknowledged: number
}

/** An acknowledged write: the value a tag element must have been written with. */
export type AckedWrite = readonly [tag: string, index: number, value: number]

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const dint = (v: number) => Uint8Array.from(Buffer.from(Int32Array.of(v).buffer))
const params = (size: number) => ({ size, variable: true, priority: 0, type: 2, redundantOwner: false })
const largeForwardOpen = (serial: number): CipRequest => ({
  _tag: "ForwardOpen", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], large: true, priorityTimeTick: 7, timeoutTicks: 0xe8,
  otConnectionId: 0, toConnectionId: serial, connectionSerial: serial, originatorVendor: 0x4242, originatorSerial: 0x600d,
  timeoutMultiplier: 7, otRpi: 10_000_000, otParams: params(4002), toRpi: 10_000_000, toParams: params(4002), transportClassTrigger: 0xa3,
  connectionPath: [{ _tag: "Port", port: 1, link: 0 }, { _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }]
})

/** Run every adversary until `running()` is false. `web` is the web API's base URL. */
export const runAdversaries = async (
  port: number, web: string, options: AdversaryOptions, running: () => boolean, acked: (w: AckedWrite) => void
): Promise<AdversaryReport> => {
  const r: AdversaryReport = {
    globRequests: 0, globSlowestMs: 0, globBadReplies: 0, pagesOpen: 0, pagesRefused: 0, pageBytes: 0, muteSessions: 0,
    muteRequestBytes: 0, hogConnections: 0, hogRefused: 0, mspPackets: 0, mspWritesAcknowledged: 0
  }

  const glob = async () => {
    const paths = [`/api/${"*".repeat(27)}Z`, `/api/connections/${"*".repeat(19)}Z`, "/api/tags/[z-a]", `/api/tags/${"*".repeat(300)}`]
    for (let i = 0; running(); i++) {
      const t = performance.now()
      try {
        const res = await fetch(web + paths[i % paths.length], { signal: AbortSignal.timeout(10_000) })
        const body = JSON.parse(await res.text()) as { command?: unknown }
        if (res.status >= 500 || typeof body !== "object") r.globBadReplies++
      } catch {
        r.globBadReplies++
      }
      r.globSlowestMs = Math.max(r.globSlowestMs, performance.now() - t)
      r.globRequests++
      await sleep(20)
    }
  }

  const page = async () => {
    const ctrl = new AbortController()
    try {
      const res = await fetch(`${web}/events`, { signal: ctrl.signal })
      if (res.status !== 200) { r.pagesRefused++; await res.text(); return }
      r.pagesOpen++
      const reader = res.body!.getReader()
      const stop = setInterval(() => { if (!running()) ctrl.abort() }, 100)
      try { for (;;) { const x = await reader.read(); if (x.done) break; r.pageBytes += x.value.length } } finally { clearInterval(stop) }
    } catch {
      // aborted at the end, or dropped
    }
  }

  // A session that pipelines 1,200 Read Tags of 440 bytes (STRING[5]: 512 KB of replies) and
  // never reads a byte: it holds what the server could not send. Reconnects a second after it is dropped.
  const mute = async (i: number) => {
    const read = encodeRequest({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "TEXTS" }], elements: 5 })
    const local = `127.0.${2 + Math.floor(i / 250)}.${1 + (i % 250)}`
    while (running()) {
      let socket: net.Socket | undefined
      try {
        const c = await connect(port, "127.0.0.1", 3000, local)
        c.send(registerFrame())
        const o = await c.next(3000)
        if (o._tag !== "Frame") { c.destroy(); await sleep(1000); continue }
        r.muteSessions++
        socket = c.socket
        c.socket.pause()
        const burst = Buffer.concat(Array.from({ length: 200 }, () => sendRR(sessionOf(o.frame), read)))
        for (let k = 0; k < 6 && running() && !c.socket.destroyed; k++) {
          c.socket.write(burst)
          r.muteRequestBytes += burst.length
          await sleep(50)
        }
        while (running() && !c.socket.destroyed) await sleep(200)
        await sleep(1000)
      } catch {
        await sleep(1000)
      } finally {
        socket?.destroy()
      }
    }
  }

  // One address opening session after session, each taking all the Large Forward Opens it can.
  const hog = async () => {
    const sessions: Array<Awaited<ReturnType<typeof openSession>>> = []
    let serial = 1
    while (running()) {
      try {
        const s = await openSession(port, 3000, "127.0.9.9")
        sessions.push(s)
        for (let k = 0; k < 40 && running(); k++) {
          const fo = await exchange(s.conn, s.session, largeForwardOpen(serial++ & 0xffff), 3000)
          if (Either.isRight(fo) && fo.right._tag === "ForwardOpen") r.hogConnections++
          else { r.hogRefused++; break }
        }
      } catch {
        // refused (sessions per peer) or dropped
      }
      await sleep(250)
    }
    for (const s of sessions) s.conn.destroy()
  }

  // Packets of large reads with writes to MSPW[k]: every write answered OK is acknowledged.
  const msp = async () => {
    let value = 7
    while (running()) {
      let s: Awaited<ReturnType<typeof openSession>>
      try { s = await openSession(port, 3000, "127.0.8.8") } catch { await sleep(200); continue }
      while (running() && !s.conn.closed) {
        const writes: Array<readonly [number, number]> = Array.from({ length: 4 }, (_, k) => [k * 8 + (r.mspPackets % 8), (value = (value * 48271) % 0x7fffffff)] as const)
        const requests: Array<CipRequest> = [
          { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "BIG" }], elements: 200 },
          ...writes.map(([i, v]): CipRequest => ({ _tag: "WriteTag", path: [{ _tag: "Symbolic", name: "MSPW" }, { _tag: "Element", index: i }], type: { code: CipType.DINT }, elements: 1, data: dint(v) })),
          { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "BIG" }], elements: 250 }
        ]
        const reply = await exchange(s.conn, s.session, { _tag: "MultipleServicePacket", path: [{ _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }], requests }, 3000)
        if (Either.isLeft(reply)) break
        r.mspPackets++
        const replies: ReadonlyArray<CipReply> = reply.right._tag === "MultipleServicePacket" ? reply.right.replies : []
        writes.forEach(([i, v], k) => {
          if (replies[k + 1]?.status === 0) { r.mspWritesAcknowledged++; acked(["MSPW", i, v]) }
        })
      }
      s.conn.destroy()
    }
  }

  await Promise.all([
    options.globAttacker ? glob() : Promise.resolve(),
    ...Array.from({ length: options.pages }, page),
    ...Array.from({ length: options.mutes }, (_, i) => mute(i)),
    options.forwardOpenHog ? hog() : Promise.resolve(),
    options.mspFlood ? msp() : Promise.resolve()
  ])
  return r
}
