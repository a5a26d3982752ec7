/**
 * CIP connections shared between sessions and peers (issue 20): the retransmission cache goes with
 * its connection, only the owner may Forward Close a connection, and one peer address cannot hold
 * the whole Forward Open table through many sessions.
 */
import { Effect, Either } from "effect"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { describe, expect, it } from "vitest"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { decodeReply } from "../../src/cip/reply.js"
import { encodeRequest } from "../../src/cip/request.js"
import { makeController } from "../../src/device/controller.js"
import { decodeFrame } from "../../src/enip/frame.js"
import { makeEncapsulationHandler } from "../../src/server/encapsulation.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { exchange, openSession } from "../../scripts/fuzz/healthy.js"
import { registerFrame, sendRR, sendUnit } from "../../scripts/fuzz/seeds.js"
import { withSim } from "./sim.js"

const mr = [{ _tag: "Port", port: 1, link: 0 } as const, { _tag: "Class", id: 2 } as const, { _tag: "Instance", id: 1 } as const]
const params = (size: number) => ({ size, variable: true, priority: 0, type: 2, redundantOwner: false })
const forwardOpen = (serial: number, large = false, vendor = 0x1234): CipRequest => ({
  _tag: "ForwardOpen", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], large, priorityTimeTick: 7, timeoutTicks: 0xe8,
  otConnectionId: 0, toConnectionId: 0x9000 + serial, connectionSerial: serial, originatorVendor: vendor, originatorSerial: 0xbeef,
  timeoutMultiplier: 1, otRpi: 2_000_000, otParams: params(large ? 4002 : 500), toRpi: 2_000_000, toParams: params(large ? 4002 : 500),
  transportClassTrigger: 0xa3, connectionPath: mr
})
const forwardClose = (serial: number, vendor = 0x1234): CipRequest => ({
  _tag: "ForwardClose", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], priorityTimeTick: 7, timeoutTicks: 0xe8,
  connectionSerial: serial, originatorVendor: vendor, originatorSerial: 0xbeef, connectionPath: mr
})
const readScada = (elements: number): CipRequest => ({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "SCADA" }], elements })
const ok = (r: Either.Either<CipReply, string>): CipReply => { if (Either.isLeft(r)) throw new Error(r.left); return r.right }

/** A garbage collection on demand (heap figures after a collection mean something). */
const collect = (): (() => void) => {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed !== undefined) return exposed
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
}

describe("the retransmission cache", () => {
  // Was a finding: the cache of the last connected reply (per O→T id) was never cleared on Forward
  // Close; 100,000 cycles of Large Forward Open → connected read of 1,000 INTs → Forward Close in
  // one session grew the heap after GC from 10 to 39 MB. The cache now lives on the connection.
  it("is dropped with its connection: 20,000 open/read/close cycles leave the heap where it was", () => {
    const store = Effect.runSync(makeTagStore(["SCADA=INT[1000]"]))
    const ctl = makeController(store)
    let handle = 0
    const handler = makeEncapsulationHandler({ endpoint: ctl, newSessionHandle: () => ++handle, local: { address: "127.0.0.1", port: 44818 } })
    const run = (frame: Uint8Array): Uint8Array => {
      const out = handler.frame(frame)
      if (!(out instanceof Uint8Array)) throw new Error("expected a synchronous reply frame")
      return out
    }
    const cipOf = (reply: Uint8Array): Uint8Array => {
      const f = decodeFrame(reply)
      if (Either.isLeft(f)) throw new Error("undecodable reply")
      const body = f.right.body
      if (body._tag !== "SendRRData" && body._tag !== "SendUnitData") throw new Error(`unexpected ${body._tag}`)
      const item = body.items[1]!
      if (item._tag !== "UnconnectedData" && item._tag !== "ConnectedData") throw new Error("no data item")
      return item.data
    }
    const session = new DataView(run(registerFrame()).buffer).getUint32(4, true)
    const cycle = (serial: number) => {
      const open = forwardOpen(serial, true)
      const fo = Either.getOrThrow(decodeReply(cipOf(run(sendRR(session, encodeRequest(open)))), open))
      if (fo._tag !== "ForwardOpen") throw new Error(`Forward Open failed: status ${fo.status}`)
      const data = cipOf(run(sendUnit(session, fo.otConnectionId, 1, encodeRequest(readScada(1000)))))
      if (data[2] !== 0 || data.length !== 4 + 2 + 2000) throw new Error(`connected read: status ${data[2]}, ${data.length} bytes`)
      const close = forwardClose(serial)
      if (cipOf(run(sendRR(session, encodeRequest(close))))[2] !== 0) throw new Error("Forward Close failed")
    }
    const gc = collect()
    for (let i = 0; i < 500; i++) cycle(i & 0xffff) // warm up (JIT, buffers)
    // Reply bytes live in ArrayBuffers, outside the JS heap: count both.
    const used = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers }
    gc(); gc()
    const before = used()
    for (let i = 0; i < 20_000; i++) cycle((i + 1000) & 0xffff)
    gc(); gc()
    const grown = used() - before
    expect(ctl.connections()).toHaveLength(0)
    // Each cached reply holds 2,006 bytes: kept for every closed connection, 20,000 cycles are ~40 MB.
    expect(grown).toBeLessThan(8 * 1024 * 1024)
  }, 60_000)
})

describe("Forward Close", () => {
  // Was a design-review finding: Forward Close was matched by the connection triple alone, so any
  // session could close another session's connection.
  it("from a session that does not own the connection is refused with 0x0F; the owner's connection keeps working", () =>
    withSim({ tags: ["SCADA=INT[10]"] }, async ({ port, controller }) => {
      const owner = await openSession(port)
      const other = await openSession(port)
      const opened = ok(await exchange(owner.conn, owner.session, forwardOpen(7), 2000))
      expect(opened).toMatchObject({ _tag: "ForwardOpen", status: 0 })
      const refused = ok(await exchange(other.conn, other.session, forwardClose(7), 2000))
      expect(refused).toMatchObject({ _tag: "ForwardOpenFailed", service: 0xce, status: 0x0f, extStatus: [] })
      expect(controller.connections()).toHaveLength(1)
      // The owner still reads on it, then closes it.
      const otId = (opened as Extract<CipReply, { _tag: "ForwardOpen" }>).otConnectionId
      owner.conn.send(sendUnit(owner.session, otId, 1, encodeRequest(readScada(1))))
      const o = await owner.conn.next(2000)
      expect(o._tag).toBe("Frame")
      expect(ok(await exchange(owner.conn, owner.session, forwardClose(7), 2000))).toMatchObject({ _tag: "ForwardClose", status: 0 })
      expect(controller.connections()).toHaveLength(0)
      owner.conn.destroy()
      other.conn.destroy()
    }), 20_000)
})

describe("Forward Open per peer", () => {
  // Was a design-review finding: the per-session cap (32) let a few sessions of one client hold the
  // whole table (256). The sessions of one peer address now hold at most 64 together.
  it("three sessions from 127.0.0.1 get 64 connections between them; 127.0.0.2 still gets one", () =>
    withSim({ tags: ["SCADA=INT[10]"] }, async ({ port, controller }) => {
      const [a, b, c] = await Promise.all([openSession(port), openSession(port), openSession(port)])
      let serial = 1
      for (const s of [a!, b!]) {
        for (let i = 0; i < 32; i++) expect(ok(await exchange(s.conn, s.session, forwardOpen(serial++), 2000)).status).toBe(0)
      }
      const refused = ok(await exchange(c!.conn, c!.session, forwardOpen(serial++), 2000))
      expect(refused).toMatchObject({ _tag: "ForwardOpenFailed", status: 0x01, extStatus: [0x0113] })
      const elsewhere = await openSession(port, 2000, "127.0.0.2")
      expect(ok(await exchange(elsewhere.conn, elsewhere.session, forwardOpen(serial++), 2000)).status).toBe(0)
      expect(controller.connections()).toHaveLength(65)
      // A connection released by one of the peer's sessions is available to its others.
      expect(ok(await exchange(a!.conn, a!.session, forwardClose(1), 2000)).status).toBe(0)
      expect(ok(await exchange(c!.conn, c!.session, forwardOpen(serial++), 2000)).status).toBe(0)
      for (const s of [a!, b!, c!, elsewhere]) s.conn.destroy()
    }), 30_000)
})
