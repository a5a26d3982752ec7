/**
 * Limits and slow clients not covered by test/server: trickling senders, pipelined floods while a
 * reply delay holds frames, Forward Open limits (total, per-session release, RPI timeouts, Forward
 * Close of unknown connections).
 */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { encodeRequest } from "../../src/cip/request.js"
import { decodeFrame } from "../../src/enip/frame.js"
import { startServerChild } from "../../scripts/fuzz/child.js"
import { encapStatus } from "../../scripts/fuzz/conn.js"
import { cipReplyOf, exchange, openSession } from "../../scripts/fuzz/healthy.js"
import { sendRR, sendUnit } from "../../scripts/fuzz/seeds.js"
import { sleep, withSim } from "./sim.js"

const read = (name: string, elements = 1): CipRequest => ({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name }], elements })
const mr = [{ _tag: "Port", port: 1, link: 0 } as const, { _tag: "Class", id: 2 } as const, { _tag: "Instance", id: 1 } as const]
const params = { size: 500, variable: true, priority: 0, type: 2, redundantOwner: false }
const forwardOpen = (serial: number, rpiUs = 2_000_000, multiplier = 1): CipRequest => ({
  _tag: "ForwardOpen", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], large: false, priorityTimeTick: 7, timeoutTicks: 0xe8,
  otConnectionId: 0, toConnectionId: 0x9000 + serial, connectionSerial: serial, originatorVendor: 0x1234, originatorSerial: 0xbeef,
  timeoutMultiplier: multiplier, otRpi: rpiUs, otParams: params, toRpi: rpiUs, toParams: params, transportClassTrigger: 0xa3, connectionPath: mr
})
const forwardClose = (serial: number): CipRequest => ({
  _tag: "ForwardClose", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], priorityTimeTick: 7, timeoutTicks: 0xe8,
  connectionSerial: serial, originatorVendor: 0x1234, originatorSerial: 0xbeef, connectionPath: mr
})
const ok = (r: Either.Either<CipReply, string>): CipReply => { if (Either.isLeft(r)) throw new Error(r.left); return r.right }

/** A connected Read Tag on `otId`; the CIP reply's general status, or "none". */
const connectedRead = async (conn: Awaited<ReturnType<typeof openSession>>, otId: number, seq: number): Promise<number | "none"> => {
  conn.conn.send(sendUnit(conn.session, otId, seq, encodeRequest(read("SCADA"))))
  const o = await conn.conn.next(1500)
  if (o._tag !== "Frame") return "none"
  const f = decodeFrame(o.frame)
  if (Either.isLeft(f) || f.right.body._tag !== "SendUnitData") return "none"
  const data = f.right.body.items.find((i) => i._tag === "ConnectedData")
  return data !== undefined && data._tag === "ConnectedData" ? data.data[2]! : "none"
}

describe("slow senders", () => {
  it("a frame trickled one byte at a time (5 ms apart) is answered once it completes", () =>
    withSim({ tags: ["SCADA=INT[10]"] }, async ({ port }) => {
      const s = await openSession(port)
      const frame = sendRR(s.session, encodeRequest(read("SCADA", 3)))
      for (const byte of frame) { s.conn.send(Uint8Array.of(byte)); await sleep(5) }
      const o = await s.conn.next(2000)
      expect(o._tag).toBe("Frame")
      if (o._tag !== "Frame") return
      expect(encapStatus(o.frame)).toBe(0)
      expect(Buffer.from(cipReplyOf(o.frame)!).toString("hex")).toBe("cc000000c300" + "000000000000")
      s.conn.destroy()
    }), 20_000)

  // Was a finding (fixed in src/server/session.ts): the idle timer is re-armed by every byte, so
  // a peer trickling one byte per (timeout − ε) held a session forever; a frame now has to
  // complete within min(idle timeout, 10 s) of its first byte.
  it("a frame that never completes is cut off within a bound (here: idle timeout 0.5 s, one byte every 150 ms for 3 s)", () =>
    withSim({ tags: ["SCADA=INT[10]"], idleTimeout: 0.5 }, async ({ port, registry }) => {
      const s = await openSession(port)
      // A header announcing 1000 data bytes, then a byte at a time.
      const header = Buffer.alloc(24); header.writeUInt16LE(0x6f, 0); header.writeUInt16LE(1000, 2); header.writeUInt32LE(s.session, 4)
      s.conn.send(header)
      const until = Date.now() + 3000
      while (Date.now() < until && !s.conn.closed) { s.conn.send(Uint8Array.of(0)); await sleep(150) }
      const open = !s.conn.closed && registry.size() === 1
      s.conn.destroy()
      expect(open).toBe(false)
    }), 20_000)
})

describe("clients that never read", () => {
  // Was a finding (fixed in src/server/session.ts): under a reply delay every frame waited in an
  // unbounded queue (~150 MB of heap for 40 MB of requests); the session now stops reading its
  // socket past 1 MB of waiting requests, so TCP back-pressure holds the client.
  it("with a 3 s reply delay, 40 MB of pipelined requests from a client that never reads keep the heap bounded", async () => {
    const server = await startServerChild({ tags: ["SCADA=INT[100]"] })
    try {
      const s = await openSession(server.port)
      const base = await server.stats({ gc: true })
      server.control({ type: "control", op: "delay", value: 3 })
      await sleep(100)
      s.conn.socket.pause()
      const frame = sendRR(s.session, encodeRequest(read("SCADA", 100)))
      const chunk = Buffer.concat(Array.from({ length: 1000 }, () => Buffer.from(frame)))
      for (let i = 0; i < 800 && !s.conn.closed; i++) { s.conn.socket.write(chunk); if (i % 50 === 0) await sleep(10) }
      await sleep(1000)
      const during = await server.stats({ gc: true })
      // Held by back-pressure, not by dropping the client: the session is still open and, once
      // the client reads again, answers its requests (after the 3 s delay).
      expect(s.conn.closed).toBe(false)
      expect(during.sessions).toBe(1)
      server.control({ type: "control", op: "delay", value: 0 })
      s.conn.socket.resume()
      const first = await s.conn.next(10_000)
      s.conn.destroy()
      expect(first._tag).toBe("Frame")
      if (first._tag === "Frame") expect(Buffer.from(cipReplyOf(first.frame)!).toString("hex").slice(0, 8)).toBe("cc000000")
      expect(during.heapUsed - base.heapUsed).toBeLessThan(32 * 1024 * 1024)
    } finally {
      await server.stop()
    }
  }, 30_000)
})

describe("Forward Open limits", () => {
  it("total limit → 0x01/0x0113; Forward Close frees a slot; a session's end frees its connections for another session", () =>
    withSim({ tags: ["SCADA=INT[10]"], maxConnections: 3 }, async ({ port, controller }) => {
      const a = await openSession(port)
      for (const serial of [1, 2, 3]) expect(ok(await exchange(a.conn, a.session, forwardOpen(serial), 2000)).status).toBe(0)
      const fourth = ok(await exchange(a.conn, a.session, forwardOpen(4), 2000))
      expect([fourth.status, fourth.extStatus]).toEqual([0x01, [0x0113]])
      // Another session is refused as well while the table is full.
      const b = await openSession(port)
      const other = ok(await exchange(b.conn, b.session, forwardOpen(10), 2000))
      expect([other.status, other.extStatus]).toEqual([0x01, [0x0113]])
      // Forward Close of serial 2 frees one slot.
      expect(ok(await exchange(a.conn, a.session, forwardClose(2), 2000)).status).toBe(0)
      expect(ok(await exchange(b.conn, b.session, forwardOpen(10), 2000)).status).toBe(0)
      expect(controller.connections().length).toBe(3)
      // Session a ends abruptly: its two connections go; b can open two more.
      a.conn.destroy()
      await sleep(200)
      expect(controller.connections().length).toBe(1)
      for (const serial of [11, 12]) expect(ok(await exchange(b.conn, b.session, forwardOpen(serial), 2000)).status).toBe(0)
      b.conn.destroy()
    }), 20_000)

  it("default total: 256 Forward Open connections (8 sessions × 32, from 4 addresses); the 257th → 0x01/0x0113", () =>
    withSim({ tags: ["SCADA=INT[10]"] }, async ({ port, controller }) => {
      // Two sessions per client address: 64 connections each, within the per-address limit.
      const sessions = await Promise.all(Array.from({ length: 9 }, (_, k) => openSession(port, 3000, `127.0.0.${10 + Math.floor(k / 2)}`)))
      for (const [k, a] of sessions.slice(0, 8).entries()) {
        for (let i = 0; i < 32; i++) expect(ok(await exchange(a.conn, a.session, forwardOpen(k * 32 + i + 1), 2000)).status).toBe(0)
      }
      expect(controller.connections().length).toBe(256)
      const ninth = sessions[8]!
      const extra = ok(await exchange(ninth.conn, ninth.session, forwardOpen(1000), 2000))
      expect([extra.status, extra.extStatus]).toEqual([0x01, [0x0113]])
      for (const s of sessions) s.conn.destroy()
    }), 30_000)

  it("per session: the 33rd Forward Open of one session → 0x01/0x0113 while another session still opens", () =>
    withSim({ tags: ["SCADA=INT[10]"] }, async ({ port, controller }) => {
      const a = await openSession(port)
      for (let serial = 1; serial <= 32; serial++) expect(ok(await exchange(a.conn, a.session, forwardOpen(serial), 2000)).status).toBe(0)
      const extra = ok(await exchange(a.conn, a.session, forwardOpen(33), 2000))
      expect([extra.status, extra.extStatus]).toEqual([0x01, [0x0113]])
      const b = await openSession(port)
      expect(ok(await exchange(b.conn, b.session, forwardOpen(100), 2000)).status).toBe(0)
      expect(controller.connections().length).toBe(33)
      a.conn.destroy()
      b.conn.destroy()
    }), 20_000)

  it("Forward Close of an unknown connection (never opened, already closed, other originator) → 0x01/0x0107; the session keeps working", () =>
    withSim({ tags: ["SCADA=INT[10]"] }, async ({ port }) => {
      const s = await openSession(port)
      const unknown = ok(await exchange(s.conn, s.session, forwardClose(77), 2000))
      expect(unknown._tag).toBe("ForwardOpenFailed")
      expect([unknown.status, unknown.extStatus]).toEqual([0x01, [0x0107]])
      expect(ok(await exchange(s.conn, s.session, forwardOpen(5), 2000)).status).toBe(0)
      expect(ok(await exchange(s.conn, s.session, forwardClose(5), 2000)).status).toBe(0)
      const again = ok(await exchange(s.conn, s.session, forwardClose(5), 2000))
      expect([again.status, again.extStatus]).toEqual([0x01, [0x0107]])
      const r = ok(await exchange(s.conn, s.session, read("SCADA"), 2000))
      expect(r.status).toBe(0)
      s.conn.destroy()
    }), 20_000)

  it("timeouts follow each connection's RPI × multiplier: a 50 ms RPI connection expires, a 2 s one in the same session lives", () =>
    withSim({ tags: ["SCADA=INT[10]"] }, async ({ port, control, controller }) => {
      await Effect.runPromise(control.setLatency(0.05))
      const s = await openSession(port)
      const fast = ok(await exchange(s.conn, s.session, forwardOpen(1, 50_000, 0), 2000)) // 50 ms × 4 = 200 ms
      const slow = ok(await exchange(s.conn, s.session, forwardOpen(2, 2_000_000, 0), 2000)) // 2 s × 4 = 8 s
      if (fast._tag !== "ForwardOpen" || slow._tag !== "ForwardOpen") throw new Error("Forward Open failed")
      expect(await connectedRead(s, fast.otConnectionId, 1)).toBe(0)
      await sleep(600)
      expect(controller.connections().map((c) => c.otConnectionId)).toEqual([slow.otConnectionId])
      expect(await connectedRead(s, slow.otConnectionId, 2)).toBe(0)
      expect(await connectedRead(s, fast.otConnectionId, 3)).toBe(0x01)
      s.conn.destroy()
    }), 20_000)
})
