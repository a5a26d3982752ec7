/**
 * The soak: for a fixed time, many sessions connect, write and read back (verifying every value),
 * and disconnect abruptly or cleanly, while the web API toggles reply delay, forced tag errors,
 * eof (drop every session) and disable/enable. With `adversaries`, the attacks of issue 20 run
 * beside them (adversary.ts), and a healthy client measures its round trips. Every tag access is
 * recorded to history as `--historize` does. Afterwards: no session may be left in the registry,
 * no CIP connection open, a fresh client must still work, and every acknowledged write must be in
 * the history file.
 */
import { Either } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { CipRequest } from "../../src/cip/model.js"
import { CipType } from "../../src/cip/types.js"
import { encodeFrame } from "../../src/enip/frame.js"
import { type ServerChild, startServerChild } from "./child.js"
import { type AckedWrite, type AdversaryOptions, type AdversaryReport, runAdversaries } from "./adversary.js"
import { exchange, openSession } from "./healthy.js"

export interface SoakOptions {
  readonly seconds: number
  /** Concurrent client loops. */
  readonly clients?: number
  /** Seconds between web API fault toggles. */
  readonly chaosEvery?: number
  readonly log?: (line: string) => void
  /** The attacks to run beside the clients (none when absent). */
  readonly adversaries?: AdversaryOptions
}

export interface SoakReport {
  sessions: number
  operations: number
  verified: number
  /** A write acknowledged, then a different value read back: must be 0. */
  mismatches: number
  errors: Map<string, number>
  toggles: Map<string, number>
  webFailures: Array<string>
  /** The slowest web API command of the chaos, ms. */
  webSlowestMs: number
  leakedSessions: number
  leakedConnections: number
  accepted: number
  closed: number
  finalCheck: boolean
  rssStart: number
  rssEnd: number
  heapStart: number
  heapEnd: number
  millis: number
  /** The healthy client's write+read round trips, ms (successful ones). */
  healthy: { readonly operations: number; readonly failures: number; readonly p50: number; readonly p99: number; readonly max: number; readonly connectedCycles: number; readonly connectedFailures: number }
  /** Writes acknowledged to clients, and how many of them the history file lacks (must be 0). */
  acknowledgedWrites: number
  missingFromHistory: number
  historyRecords: number
  /** The simulator's longest event-loop stall, ms, and its peak RSS. */
  maxStallMs: number
  peakRss: number
  /** Sessions closed because all sessions together held more than the memory budget. */
  shed: number
  adversaries: AdversaryReport | undefined
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const dint = (v: number): Uint8Array => { const b = Buffer.alloc(4); b.writeInt32LE(v); return Uint8Array.from(b) }
const unregister = (session: number) =>
  encodeFrame({ header: { sessionHandle: session, status: 0, senderContext: new Uint8Array(8), options: 0 }, body: { _tag: "UnregisterSession" } })

export const runSoak = async (options: SoakOptions): Promise<SoakReport> => {
  const clients = options.clients ?? 24
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-soak-"))
  const file = path.join(dir, "soak.hst")
  // The simulator runs alone in a child process (as `--historize FILE -w` composes it), so its
  // event loop and memory are its own, and the clients' work does not count as its latency.
  const server = await startServerChild({
    tags: [`SOAK=DINT[${clients}]`, "SCADA=INT[100]", "BIG=INT[250]", "TEXTS=STRING[5]", "MSPW=DINT[32]", "HEALTHY=DINT[1]"],
    idleTimeout: 30, web: true, historize: file,
    // Low enough that the sessions that never read reach it.
    ...(options.adversaries !== undefined ? { maxBufferedBytes: 64 * 1024 * 1024 } : {})
  })
  try {
    return await soak(server, file, clients, options)
  } finally {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Count the acknowledged writes the history file lacks (each `TAG[i] <= [v]` once per acknowledgement). */
const missingWrites = (file: string, acked: Map<string, number>): { readonly missing: number; readonly records: number } => {
  const left = new Map(acked)
  let records = 0
  const text = fs.readFileSync(file, "utf8")
  const re = /\t\["([^"]+)", \[(\d+), \d+\]\]\t\{"write": \[(-?\d+)\]\}\n/g
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) records++
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const k = `${m[1]}[${m[2]}]=${m[3]}`
    const n = left.get(k)
    if (n !== undefined) { if (n <= 1) left.delete(k); else left.set(k, n - 1) }
  }
  let missing = 0
  for (const n of left.values()) missing += n
  return { missing, records }
}

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

const soak = async (server: ServerChild, file: string, clients: number, options: SoakOptions): Promise<SoakReport> => {
  const { port } = server
  const web = server.web!
  const start = await server.stats({ gc: true, reset: true })
  const report: SoakReport = {
    sessions: 0, operations: 0, verified: 0, mismatches: 0, errors: new Map(), toggles: new Map(), webFailures: [], webSlowestMs: 0,
    leakedSessions: 0, leakedConnections: 0, accepted: 0, closed: 0, finalCheck: false,
    rssStart: start.rss, rssEnd: 0, heapStart: start.heapUsed, heapEnd: 0, millis: 0, peakRss: 0,
    healthy: { operations: 0, failures: 0, p50: 0, p99: 0, max: 0, connectedCycles: 0, connectedFailures: 0 },
    acknowledgedWrites: 0, missingFromHistory: 0, historyRecords: 0, maxStallMs: 0, shed: 0, adversaries: undefined
  }
  const acked = new Map<string, number>()
  const ack = ([tag, i, v]: AckedWrite) => {
    report.acknowledgedWrites++
    const k = `${tag}[${i}]=${v}`
    acked.set(k, (acked.get(k) ?? 0) + 1)
  }

  const error = (k: string) => report.errors.set(k, (report.errors.get(k) ?? 0) + 1)
  const started = performance.now()
  const deadline = started + options.seconds * 1000
  const running = () => performance.now() < deadline

  const api = async (path: string): Promise<boolean> => {
    const t = performance.now()
    try {
      // Generous: with the adversaries the web API shares its process with 100 live pages.
      const res = await fetch(web + path, { signal: AbortSignal.timeout(options.adversaries ? 15_000 : 5000) })
      const body = (await res.json()) as { command?: { success?: boolean } }
      report.webSlowestMs = Math.max(report.webSlowestMs, performance.now() - t)
      if (res.status !== 200 || body.command?.success !== true) { report.webFailures.push(`${path} → ${res.status}`); return false }
      return true
    } catch (e) {
      report.webFailures.push(`${path} → ${String(e)}`)
      return false
    }
  }

  const client = async (id: number) => {
    let value = id * 1000 + 1
    const path = [{ _tag: "Symbolic", name: "SOAK" } as const, { _tag: "Element", index: id } as const]
    while (running()) {
      let s: Awaited<ReturnType<typeof openSession>>
      try { s = await openSession(port, 2000) } catch { error("connect refused or failed (disabled)"); await sleep(50); continue }
      report.sessions++
      const ops = 5 + Math.floor(Math.random() * 40)
      let alive = true
      for (let i = 0; i < ops && alive && running(); i++) {
        value = (value * 48271) % 0x7fffffff
        const write: CipRequest = { _tag: "WriteTag", path, type: { code: CipType.DINT }, elements: 1, data: dint(value) }
        const w = await exchange(s.conn, s.session, write, 3000)
        report.operations++
        if (Either.isLeft(w)) { error(s.conn.closed ? "session dropped (eof/disable)" : `write: ${w.left}`); alive = false; break }
        if (w.right.status !== 0) { error(`write status 0x${w.right.status.toString(16)} (forced tag error)`); continue }
        ack(["SOAK", id, value])
        const r = await exchange(s.conn, s.session, { _tag: "ReadTag", path, elements: 1 }, 3000)
        report.operations++
        if (Either.isLeft(r)) { error(s.conn.closed ? "session dropped (eof/disable)" : `read: ${r.left}`); alive = false; break }
        if (r.right._tag !== "ReadTag") { error(`read status 0x${r.right.status.toString(16)} (forced tag error)`); continue }
        const got = Buffer.from(r.right.data).readInt32LE(0)
        if (got === value) report.verified++
        else { report.mismatches++; error(`MISMATCH wrote ${value} read ${got}`) }
      }
      // Half leave politely (UnregisterSession, FIN), half vanish (RST).
      if (alive && Math.random() < 0.5) { s.conn.send(unregister(s.session)); await s.conn.next(500); s.conn.socket.end() }
      s.conn.destroy()
    }
  }

  const chaos = async () => {
    const every = (options.chaosEvery ?? 1) * 1000
    const toggle = (k: string) => report.toggles.set(k, (report.toggles.get(k) ?? 0) + 1)
    let n = 0
    while (running()) {
      await sleep(every * (0.5 + Math.random()))
      if (!running()) break
      switch (n++ % 4) {
        case 0: toggle("delay"); await api("/api/options/delay/value=0.05"); await sleep(every / 2); await api("/api/options/delay/value=0"); break
        case 1: toggle("tag error"); await api("/api/tags/SOAK/error=8"); await sleep(every / 3); await api("/api/tags/SOAK/error/0"); break
        case 2: toggle("eof (drop all)"); await api("/api/connections/*/eof=true"); break
        case 3: toggle("disable/enable"); await api("/api/server/control/disable=true"); await sleep(every / 3); await api("/api/server/control/disable=false"); break
      }
      if (options.log) options.log(`  … ${((performance.now() - started) / 1000).toFixed(0)} s: ${report.operations} operations, ${report.verified} verified`)
    }
  }

  // The healthy client: its own tag, one write+read at a time, timed; a connected cycle (Large
  // Forward Open, connected read, Forward Close) every second. Reconnects after eof/disable.
  const latencies: Array<number> = []
  const healthy = async () => {
    let value = 1
    const h = { operations: 0, failures: 0, connectedCycles: 0, connectedFailures: 0 }
    let lastCycle = performance.now()
    const path = [{ _tag: "Symbolic", name: "HEALTHY" } as const]
    const params = { size: 4002, variable: true, priority: 0, type: 2, redundantOwner: false }
    let serial = 1
    while (running()) {
      let s: Awaited<ReturnType<typeof openSession>>
      try { s = await openSession(port, 2000) } catch { await sleep(50); continue }
      while (running() && !s.conn.closed) {
        value = (value * 48271) % 0x7fffffff
        const t = performance.now()
        const w = await exchange(s.conn, s.session, { _tag: "WriteTag", path, type: { code: CipType.DINT }, elements: 1, data: dint(value) }, 3000)
        if (Either.isLeft(w)) break
        if (w.right.status === 0) ack(["HEALTHY", 0, value])
        const r = await exchange(s.conn, s.session, { _tag: "ReadTag", path, elements: 1 }, 3000)
        if (Either.isLeft(r)) break
        h.operations += 2
        if (w.right.status === 0 && r.right._tag === "ReadTag") {
          latencies.push(performance.now() - t)
          if (Buffer.from(r.right.data).readInt32LE(0) !== value) h.failures++
        }
        if (performance.now() - lastCycle > 1000) {
          lastCycle = performance.now()
          const fo = await exchange(s.conn, s.session, {
            _tag: "ForwardOpen", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], large: true, priorityTimeTick: 7, timeoutTicks: 0xe8,
            otConnectionId: 0, toConnectionId: serial, connectionSerial: serial, originatorVendor: 0x0bad, originatorSerial: 0xcafe,
            timeoutMultiplier: 1, otRpi: 2_000_000, otParams: params, toRpi: 2_000_000, toParams: params, transportClassTrigger: 0xa3,
            connectionPath: [{ _tag: "Port", port: 1, link: 0 }, { _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }]
          }, 3000)
          if (Either.isLeft(fo)) break
          if (fo.right._tag === "ForwardOpen") {
            h.connectedCycles++
            await exchange(s.conn, s.session, {
              _tag: "ForwardClose", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], priorityTimeTick: 7, timeoutTicks: 0xe8,
              connectionSerial: serial, originatorVendor: 0x0bad, originatorSerial: 0xcafe,
              connectionPath: [{ _tag: "Port", port: 1, link: 0 }, { _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }]
            }, 3000)
          } else h.connectedFailures++
          serial = (serial % 0xffff) + 1
        }
      }
      s.conn.destroy()
    }
    const sorted = latencies.sort((a, b) => a - b)
    report.healthy = { ...h, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 }
  }

  const [,,, adversaries] = await Promise.all([
    chaos(),
    Promise.all(Array.from({ length: clients }, (_, i) => client(i))),
    healthy(),
    options.adversaries === undefined ? Promise.resolve(undefined) : runAdversaries(port, web, options.adversaries, running, ack)
  ])
  report.adversaries = adversaries
  // Everything back to normal, then check what is left behind.
  await api("/api/server/control/disable=false")
  await api("/api/options/delay/value=0")
  await api("/api/tags/SOAK/error/0")
  let stats = await server.stats()
  for (let i = 0; i < 40 && stats.sessions > 0; i++) { await sleep(50); stats = await server.stats() }
  report.leakedSessions = stats.sessions
  report.leakedConnections = stats.connections
  report.accepted = stats.accepted
  report.closed = stats.closed
  report.maxStallMs = stats.maxDelayMs
  report.peakRss = stats.peakRss
  report.shed = stats.shed
  try {
    const s = await openSession(port, 2000)
    const r = await exchange(s.conn, s.session, { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "SCADA" }], elements: 1 }, 2000)
    report.finalCheck = Either.isRight(r) && r.right.status === 0
    s.conn.destroy()
  } catch { report.finalCheck = false }
  await server.sync()
  const history = missingWrites(file, acked)
  report.missingFromHistory = history.missing
  report.historyRecords = history.records
  const end = await server.stats({ gc: true })
  report.rssEnd = end.rss
  report.heapEnd = end.heapUsed
  report.millis = performance.now() - started
  return report
}
