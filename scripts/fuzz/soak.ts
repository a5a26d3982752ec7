/**
 * The soak: for a fixed time, many sessions connect, write and read back (verifying every value),
 * and disconnect abruptly or cleanly, while the web API toggles reply delay, forced tag errors,
 * eof (drop every session) and disable/enable. Afterwards: no session may be left in the
 * registry, no CIP connection open, and a fresh client must still work.
 */
import { Effect, Either, Layer, Logger, LogLevel, Context } from "effect"
import type { CipRequest } from "../../src/cip/model.js"
import { CipType } from "../../src/cip/types.js"
import { encodeFrame } from "../../src/enip/frame.js"
import { ConnectionRegistry, Controller, EnipServer, SimulatorLive } from "../../src/server/simulator.js"
import { WebApiLive, WebServer } from "../../src/web/server.js"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { exchange, openSession } from "./healthy.js"

/** A garbage collection on demand (heap figures after a collection mean something). */
const collect = (): (() => void) => {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed !== undefined) return exposed
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
}

export interface SoakOptions {
  readonly seconds: number
  /** Concurrent client loops. */
  readonly clients?: number
  /** Seconds between web API fault toggles. */
  readonly chaosEvery?: number
  readonly log?: (line: string) => void
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
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const dint = (v: number): Uint8Array => { const b = Buffer.alloc(4); b.writeInt32LE(v); return Uint8Array.from(b) }
const unregister = (session: number) =>
  encodeFrame({ header: { sessionHandle: session, status: 0, senderContext: new Uint8Array(8), options: 0 }, body: { _tag: "UnregisterSession" } })

export const runSoak = (options: SoakOptions): Promise<SoakReport> => {
  const clients = options.clients ?? 24
  const layer = WebApiLive({ host: "127.0.0.1", port: 0 }).pipe(
    Layer.provideMerge(SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, tags: [`SOAK=DINT[${clients}]`, "SCADA=INT[100]"], idleTimeout: 30 })),
    Layer.provide(Logger.minimumLogLevel(LogLevel.None))
  )
  return Effect.runPromise(Effect.scoped(Effect.gen(function* () {
    const ctx = yield* Layer.build(layer)
    const port = Context.get(ctx, EnipServer).address.port
    const web = Context.get(ctx, WebServer).url
    const registry = Context.get(ctx, ConnectionRegistry)
    const controller = Context.get(ctx, Controller)
    return yield* Effect.promise(() => soak(port, web, registry, controller, clients, options))
  })))
}

const soak = async (
  port: number, web: string, registry: Context.Tag.Service<typeof ConnectionRegistry>, controller: Context.Tag.Service<typeof Controller>,
  clients: number, options: SoakOptions
): Promise<SoakReport> => {
  const gc = collect()
  gc()
  const report: SoakReport = {
    sessions: 0, operations: 0, verified: 0, mismatches: 0, errors: new Map(), toggles: new Map(), webFailures: [],
    leakedSessions: 0, leakedConnections: 0, accepted: 0, closed: 0, finalCheck: false,
    rssStart: process.memoryUsage.rss(), rssEnd: 0, heapStart: process.memoryUsage().heapUsed, heapEnd: 0, millis: 0
  }
  const error = (k: string) => report.errors.set(k, (report.errors.get(k) ?? 0) + 1)
  const started = performance.now()
  const deadline = started + options.seconds * 1000
  const running = () => performance.now() < deadline

  const api = async (path: string): Promise<boolean> => {
    try {
      const res = await fetch(web + path, { signal: AbortSignal.timeout(5000) })
      const body = (await res.json()) as { command?: { success?: boolean } }
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

  await Promise.all([chaos(), ...Array.from({ length: clients }, (_, i) => client(i))])
  // Everything back to normal, then check what is left behind.
  await api("/api/server/control/disable=false")
  await api("/api/options/delay/value=0")
  await api("/api/tags/SOAK/error/0")
  for (let i = 0; i < 40 && registry.size() > 0; i++) await sleep(50)
  report.leakedSessions = registry.size()
  report.leakedConnections = controller.connections().length
  const stats = registry.stats()
  report.accepted = stats.accepted
  report.closed = stats.closed
  try {
    const s = await openSession(port, 2000)
    const r = await exchange(s.conn, s.session, { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "SCADA" }], elements: 1 }, 2000)
    report.finalCheck = Either.isRight(r) && r.right.status === 0
    s.conn.destroy()
  } catch { report.finalCheck = false }
  gc()
  report.rssEnd = process.memoryUsage.rss()
  report.heapEnd = process.memoryUsage().heapUsed
  report.millis = performance.now() - started
  return report
}
