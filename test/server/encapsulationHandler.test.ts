/**
 * The session's frame handler (src/server/encapsulation.ts) driven with bytes, without a socket:
 * RegisterSession and its handle, the List* commands and the legacy 0x0001 reply, the statuses a
 * controller answers wrong frames with (0x0001, 0x0003, 0x0064, 0x0065, 0x0069), the CIP request
 * handed to the endpoint with its context, undecodable requests, connected requests on a
 * connection (unknown, another session's, retransmitted), asynchronous replies, the stats counted,
 * and what the session releases when it ends.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { decodeFrame } from "../../src/enip/frame.js"
import type { IdentityItem } from "../../src/enip/model.js"
import { DEFAULT_IDENTITY, identityItem } from "../../src/device/identity.js"
import { type CipEndpoint, type ConnectionView, listReply, makeEncapsulationHandler, type RequestContext, UCMM_MAX_REPLY } from "../../src/server/encapsulation.js"
import type { FrameOutcome } from "../../src/server/session.js"
import { ControllerStats } from "../../src/server/stats.js"
import { frame, sendRRFrame, sendUnitFrame } from "./frames.js"

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")
const bytes = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"))
const HANDLE = 0x0a0b0c0d
const CONTEXT = "1112131415161718"
const OPTIONS = "21222324"

const header = (session: number) => ({ session, context: bytes(CONTEXT), options: 0x24232221 })
/** A frame: command, session handle, context 11..18, options 0x24232221, then `data`. */
const frameOf = (command: number, data: Uint8Array, session = HANDLE, length = data.length) => frame(command, data, header(session), length)
const register = (version = 1) => frameOf(0x65, Uint8Array.of(version, 0, 0, 0), 0)
const sendRR = (cip: Uint8Array, session = HANDLE) => sendRRFrame(cip, header(session), 0x01020304, 7)
const sendUnit = (connection: number, sequence: number, cip: Uint8Array, session = HANDLE) => sendUnitFrame(connection, sequence, cip, header(session))
/** The reply of a frame answered synchronously with bytes. */
const sync = (o: FrameOutcome): Uint8Array => {
  if (!(o instanceof Uint8Array)) throw new Error(`not a reply frame: ${String(o)}`)
  return o
}
/** The header of an error reply: command, length 0, session, status, context and options echoed. */
const errorHeader = (command: number, session: number, st: number) => {
  const h = new Uint8Array(24)
  const dv = new DataView(h.buffer)
  dv.setUint16(0, command, true)
  dv.setUint32(4, session, true)
  dv.setUint32(8, st, true)
  h.set(bytes(CONTEXT), 12)
  h.set(bytes(OPTIONS), 20)
  return hex(h)
}
/** The CIP reply (bytes after the CPF) of a SendRRData / SendUnitData reply frame. */
const cipOf = (reply: Uint8Array) => hex(reply.subarray(reply[0] === 0x70 ? 46 : 40))

const READ = bytes("4c 02 91 01 41 00 0100") // Read Tag "A", 1 element
const READ_REPLY: CipReply = { _tag: "ReadTag", service: 0xcc, status: 0, extStatus: [], type: { code: 0xc4 }, data: Uint8Array.of(42, 0, 0, 0) }
const IDENTITY: IdentityItem = identityItem(DEFAULT_IDENTITY, "127.0.0.9", 44818)

interface Probe {
  readonly endpoint: CipEndpoint
  readonly calls: Array<{ request: CipRequest; ctx: RequestContext }>
  readonly closed: Array<number>
  readonly identities: Array<[string, number]>
  readonly connections: Map<number, ConnectionView & { touched: number }>
  reply: CipReply | Effect.Effect<CipReply>
}
const probe = (): Probe => {
  const p: Probe = {
    calls: [], closed: [], identities: [], connections: new Map(), reply: READ_REPLY,
    endpoint: {
      handle: (request, ctx) => { p.calls.push({ request, ctx }); return p.reply },
      lookupConnection: (id) => p.connections.get(id),
      closeSession: (s) => { p.closed.push(s) },
      identity: (address, port) => { p.identities.push([address, port]); return IDENTITY }
    }
  }
  return p
}
const connection = (p: Probe, otConnectionId: number, session: number, toConnectionId: number) => {
  const c: ConnectionView & { touched: number } = {
    session, otConnectionId, toConnectionId, maxReply: 4000, lastReply: undefined, touched: 0,
    touch: () => { c.touched++ }
  }
  p.connections.set(otConnectionId, c)
  return c
}
const handlerOf = (p: Probe, extra: { stats?: ControllerStats; released?: Array<number>; peer?: string; readInPlace?: boolean } = {}) => {
  let next = HANDLE
  return makeEncapsulationHandler({
    endpoint: p.endpoint,
    newSessionHandle: () => next++,
    ...(extra.released === undefined ? {} : { releaseSessionHandle: (h: number) => { extra.released!.push(h) } }),
    ...(extra.peer === undefined ? {} : { peer: extra.peer }),
    ...(extra.stats === undefined ? {} : { stats: extra.stats }),
    ...(extra.readInPlace === undefined ? {} : { readInPlace: extra.readInPlace }),
    local: { address: "127.0.0.9", port: 44818 }
  })
}

describe("the encapsulation frame handler", () => {
  it("RegisterSession: a new handle once, echoed context and options; version 2 → 0x0069 with handle 0", () => {
    const p = probe()
    const h = handlerOf(p)
    const bad = sync(h.frame(register(2)))
    expect(hex(bad)).toBe(hex(frameOf(0x65, Uint8Array.of(1, 0, 0, 0), 0)).slice(0, 16) + "69000000" + CONTEXT + OPTIONS + "01000000")
    // A session not registered: requests are refused with 0x0064.
    expect(hex(sync(h.frame(sendRR(READ, 0))))).toBe(errorHeader(0x6f, 0, 0x64))
    expect(hex(sync(h.frame(sendUnit(1, 1, READ, 0))))).toBe(errorHeader(0x70, 0, 0x64))
    const ok = sync(h.frame(register()))
    expect(hex(ok)).toBe("65000400" + "0d0c0b0a" + "00000000" + CONTEXT + OPTIONS + "01000000")
    // Registering again keeps the handle.
    expect(hex(sync(h.frame(register())))).toBe(hex(ok))
    expect(p.calls).toEqual([])
  })

  it("Nop is not answered; UnregisterSession closes; close releases the session's connections and handle", () => {
    const p = probe()
    const released: Array<number> = []
    const h = handlerOf(p, { released })
    h.close()
    expect(p.closed).toEqual([]) // nothing registered, nothing to release
    expect(released).toEqual([])
    h.frame(register())
    expect(h.frame(frameOf(0x00, new Uint8Array(3)))).toBeUndefined()
    expect(h.frame(frameOf(0x66, new Uint8Array(0)))).toEqual({ close: true })
    h.close()
    expect(p.closed).toEqual([HANDLE])
    expect(released).toEqual([HANDLE])
  })

  it("ListIdentity reports the local address; ListServices and ListInterfaces as a controller answers them", () => {
    const p = probe()
    const h = handlerOf(p)
    const identity = sync(h.frame(frameOf(0x63, new Uint8Array(0), 0x55)))
    expect(p.identities).toEqual([["127.0.0.9", 44818]])
    const decoded = decodeFrame(identity)
    expect(Either.isRight(decoded) && decoded.right.body._tag).toBe("ListIdentity")
    expect(hex(identity.subarray(4, 24))).toBe("55000000" + "00000000" + CONTEXT + OPTIONS)
    expect(hex(sync(h.frame(frameOf(0x04, new Uint8Array(0), 0x55))))).toBe(
      "04001a00" + "55000000" + "00000000" + CONTEXT + OPTIONS +
      "0100" + "0001" + "1400" + "0100" + "2000" + hex(Buffer.from("Communications\0\0", "latin1"))
    )
    expect(hex(sync(h.frame(frameOf(0x64, new Uint8Array(0), 0x55))))).toBe("64000200" + "55000000" + "00000000" + CONTEXT + OPTIONS + "0000")
  })

  it("the legacy command 0x0001 lists this target: its IPv4 address and port (0.0.0.0 for IPv6)", () => {
    const p = probe()
    const reply = sync(handlerOf(p).frame(frameOf(0x01, new Uint8Array(0), 0x77)))
    const name = Buffer.alloc(16)
    name.write("127.0.0.9", "latin1")
    expect(hex(reply)).toBe(
      "01002a00" + "77000000" + "00000000" + CONTEXT + OPTIONS +
      "0100" + "0100" + "2400" + "0100" + "0000" + "0002" + "af12" + "7f000009" + "0000000000000000" + hex(name)
    )
    // Only a whole dotted quad is an IPv4 address (an IPv4-mapped IPv6 one is not).
    for (const [address, shown] of [["10.20.30.40", "10.20.30.40"], ["::ffff:10.1.2.3", "0.0.0.0"], ["1.2.3.4.5", "0.0.0.0"]] as const) {
      const other = makeEncapsulationHandler({ endpoint: p.endpoint, newSessionHandle: () => 1, local: { address, port: 1 } })
      const r = sync(other.frame(frameOf(0x01, new Uint8Array(0))))
      expect([...r.subarray(38, 42)].join(".")).toBe(shown)
      expect(Buffer.from(r.subarray(50, 66)).toString("latin1")).toBe(shown.padEnd(16, "\0"))
    }
    const v6 = makeEncapsulationHandler({ endpoint: p.endpoint, newSessionHandle: () => 1, local: { address: "::1", port: 2222 } })
    const reply6 = sync(v6.frame(frameOf(0x01, new Uint8Array(0))))
    expect(hex(reply6.subarray(36, 42))).toBe("08ae" + "00000000")
    expect(Buffer.from(reply6.subarray(50, 66)).toString("latin1")).toBe("0.0.0.0".padEnd(16, "\0"))
  })

  it("an unknown command → 0x0001; a body that does not decode → 0x0003; the header echoed, no payload", () => {
    const p = probe()
    const h = handlerOf(p)
    h.frame(register())
    expect(hex(sync(h.frame(frameOf(0x0099, Uint8Array.of(1, 2, 3)))))).toBe(errorHeader(0x99, HANDLE, 0x01))
    // SendRRData with a CPF cut short.
    expect(hex(sync(h.frame(frameOf(0x6f, new Uint8Array(5)))))).toBe(errorHeader(0x6f, HANDLE, 0x03))
    // A RegisterSession too short to hold its version.
    expect(hex(sync(h.frame(frameOf(0x65, Uint8Array.of(1), 0x1234))))).toBe(errorHeader(0x65, 0x1234, 0x03))
  })

  it("SendRRData: a wrong handle → 0x0064; items other than Null Address + Unconnected Data → 0x0003", () => {
    const p = probe()
    const h = handlerOf(p)
    h.frame(register())
    expect(hex(sync(h.frame(sendRR(READ, HANDLE + 1))))).toBe(errorHeader(0x6f, HANDLE + 1, 0x64))
    const items = (cpf: string) => frameOf(0x6f, bytes("00000000 0000" + cpf))
    // One item only; three items; a Connected Address first; Connected Data second.
    expect(hex(sync(h.frame(items("0100 0000 0000"))))).toBe(errorHeader(0x6f, HANDLE, 0x03))
    expect(hex(sync(h.frame(items("0300 0000 0000 b200 0000 0000 0000"))))).toBe(errorHeader(0x6f, HANDLE, 0x03))
    expect(hex(sync(h.frame(items("0200 a100 0400 01000000 b200 0000"))))).toBe(errorHeader(0x6f, HANDLE, 0x03))
    expect(hex(sync(h.frame(items("0200 0000 0000 b100 0200 0100"))))).toBe(errorHeader(0x6f, HANDLE, 0x03))
    expect(p.calls).toEqual([])
  })

  it("SendUnitData: a wrong handle → 0x0064; items other than Connected Address + Connected Data → 0x0003", () => {
    const p = probe()
    const h = handlerOf(p)
    h.frame(register())
    connection(p, 5, HANDLE, 6)
    expect(hex(sync(h.frame(sendUnit(5, 1, READ, 7))))).toBe(errorHeader(0x70, 7, 0x64))
    const items = (cpf: string) => frameOf(0x70, bytes("00000000 0000" + cpf))
    expect(hex(sync(h.frame(items("0100 a100 0400 05000000"))))).toBe(errorHeader(0x70, HANDLE, 0x03))
    expect(hex(sync(h.frame(items("0300 a100 0400 05000000 b100 0200 0100 0000 0000"))))).toBe(errorHeader(0x70, HANDLE, 0x03))
    expect(hex(sync(h.frame(items("0200 0000 0000 b100 0200 0100"))))).toBe(errorHeader(0x70, HANDLE, 0x03))
    expect(hex(sync(h.frame(items("0200 a100 0400 05000000 b200 0000"))))).toBe(errorHeader(0x70, HANDLE, 0x03))
    expect(p.calls).toEqual([])
  })

  for (const readInPlace of [true, false]) {
    it(`SendRRData runs the request with the session, peer and the UCMM reply limit (${readInPlace ? "in place" : "decoded"})`, () => {
      const p = probe()
      const h = handlerOf(p, { peer: "127.0.0.5", readInPlace })
      h.frame(register())
      const reply = sync(h.frame(sendRR(READ)))
      expect(hex(reply.subarray(0, 40))).toBe(
        "6f001a00" + "0d0c0b0a" + "00000000" + CONTEXT + OPTIONS + "04030201" + "0700" + "0200" + "0000" + "0000" + "b200" + "0a00"
      )
      expect(cipOf(reply)).toBe("cc000000c4002a000000")
      expect(p.calls).toHaveLength(1)
      expect(p.calls[0]!.request._tag).toBe("ReadTag")
      expect(p.calls[0]!.ctx).toEqual({ session: HANDLE, peer: "127.0.0.5", maxReply: UCMM_MAX_REPLY, encodedAtOnce: true })
    })
  }

  it("the UCMM reply limit is 504 bytes, as Logix controllers limit it; the peer is '' when unknown", () => {
    expect(UCMM_MAX_REPLY).toBe(504)
    const p = probe()
    const h = handlerOf(p)
    h.frame(register())
    h.frame(sendRR(READ))
    expect(p.calls[0]!.ctx.peer).toBe("")
  })

  it("a request that does not decode: the service echoed, a status naming why; counted as Undecodable", () => {
    const p = probe()
    const stats = new ControllerStats()
    const h = handlerOf(p, { stats })
    h.frame(register())
    const answer = (cip: string) => cipOf(sync(h.frame(sendRR(bytes(cip)))))
    expect(answer("4c 01 f0 00 0100")).toBe("cc000400") // an unknown segment → 0x04 path segment error
    expect(answer("4c 05")).toBe("cc002600") // a path longer than the request → 0x26 path size invalid
    expect(answer("4c")).toBe("cc001300") // cut short → 0x13 not enough data
    expect(answer("cc")).toBe("cc001300") // the reply bit set in the request: the service still echoed
    expect(answer("")).toBe("80001300") // nothing at all: service 0
    expect(answer("0a 02 20022401 0200 ff00 0600 4c00")).toBe("8a002000") // a bad offset table → 0x20 invalid parameter
    expect(p.calls).toEqual([])
    expect(Object.fromEntries(stats.requests.get("Undecodable")!)).toEqual({ 4: 1, 0x26: 1, 0x13: 3, 0x20: 1 })
  })

  it("a connected request on no connection, or on another session's → 0x01 / 0x0107 at once, not run", () => {
    const p = probe()
    const h = handlerOf(p)
    h.frame(register())
    connection(p, 9, HANDLE + 100, 10)
    for (const id of [8, 9]) {
      const reply = sync(h.frame(sendUnit(id, 0x33, bytes("ca 02 91 01 41 00 0100"))))
      expect(hex(reply.subarray(36, 46))).toBe(hex(new Uint8Array(new Uint32Array([id]).buffer)) + "b100" + "0800" + "3300")
      expect(cipOf(reply)).toBe("ca000101" + "0701")
    }
    expect(p.connections.get(9)!.touched).toBe(0)
    expect(p.calls).toEqual([])
  })

  it("connected: touched, run with the connection's reply limit, answered on its T→O id; a retransmission is answered again without running", () => {
    const p = probe()
    const h = handlerOf(p, { peer: "10.0.0.1" })
    h.frame(register())
    const c = connection(p, 5, HANDLE, 0x66)
    const first = sync(h.frame(sendUnit(5, 0x10, READ)))
    expect(c.touched).toBe(1)
    expect(hex(first.subarray(0, 46))).toBe(
      "70002000" + "0d0c0b0a" + "00000000" + CONTEXT + OPTIONS + "00000000" + "0000" + "0200" + "a100" + "0400" + "66000000" + "b100" + "0c00" + "1000"
    )
    expect(cipOf(first)).toBe("cc000000c4002a000000")
    expect(p.calls).toHaveLength(1)
    expect(p.calls[0]!.ctx).toEqual({ session: HANDLE, peer: "10.0.0.1", connection: c, maxReply: 4000, encodedAtOnce: true })
    expect(c.lastReply?.sequence).toBe(0x10)
    expect(hex(c.lastReply!.request)).toBe(hex(READ))
    // The same sequence and request: the same reply, not run again.
    p.reply = { ...READ_REPLY, data: Uint8Array.of(1, 0, 0, 0) }
    expect(hex(sync(h.frame(sendUnit(5, 0x10, READ))))).toBe(hex(first))
    expect(p.calls).toHaveLength(1)
    expect(c.touched).toBe(2)
    // The same sequence with another request: run.
    const other = bytes("4c 02 91 01 42 00 0100")
    expect(cipOf(sync(h.frame(sendUnit(5, 0x10, other))))).toBe("cc000000c40001000000")
    expect(p.calls).toHaveLength(2)
    // The same sequence with a request that is the start of the last one (shorter), or that
    // starts with the last one (longer): run.
    p.reply = { _tag: "Error", service: 0xcb, status: 0x08, extStatus: [], data: new Uint8Array(0) }
    h.frame(sendUnit(5, 0x20, bytes("4b 02 20 01 24 01 00 00")))
    expect(p.calls).toHaveLength(3)
    expect(cipOf(sync(h.frame(sendUnit(5, 0x20, bytes("4b 02 20 01 24 01")))))).toBe("cb000800")
    expect(p.calls).toHaveLength(4)
    h.frame(sendUnit(5, 0x20, bytes("4b 02 20 01 24 01 00 00")))
    expect(p.calls).toHaveLength(5)
    // The next sequence with the same request: run.
    h.frame(sendUnit(5, 0x21, bytes("4b 02 20 01 24 01 00 00")))
    expect(p.calls).toHaveLength(6)
    expect(c.lastReply?.sequence).toBe(0x21)
    // The request kept is a copy: bytes of the frame written over later (a reused buffer) do
    // not stop the retransmission from being recognised.
    const kept = sendUnit(5, 0x22, READ)
    h.frame(kept)
    expect(p.calls).toHaveLength(7)
    kept.fill(0xee, 46)
    h.frame(sendUnit(5, 0x22, READ))
    expect(p.calls).toHaveLength(7)
  })

  it("an asynchronous reply: an Effect giving the frame; connected, it is kept for retransmission; counted once run", () =>
    Effect.gen(function* () {
      const p = probe()
      const stats = new ControllerStats()
      const h = handlerOf(p, { stats })
      h.frame(register())
      const c = connection(p, 5, HANDLE, 0x66)
      p.reply = Effect.succeed(READ_REPLY)
      const unconnected = h.frame(sendRR(READ))
      expect(Effect.isEffect(unconnected)).toBe(true)
      expect(stats.requests.size).toBe(0)
      const u = (yield* (unconnected as Effect.Effect<Uint8Array>))
      expect(cipOf(u)).toBe("cc000000c4002a000000")
      expect(hex(u.subarray(0, 4))).toBe("6f001a00")
      expect(stats.requests.get("ReadTag")?.get(0)).toBe(1)
      const connected = h.frame(sendUnit(5, 3, READ))
      expect(Effect.isEffect(connected)).toBe(true)
      const cf = yield* (connected as Effect.Effect<Uint8Array>)
      expect(cipOf(cf)).toBe("cc000000c4002a000000")
      expect(c.lastReply?.sequence).toBe(3)
      expect(hex(c.lastReply!.cip)).toBe("cc000000c4002a000000")
      expect(stats.requests.get("ReadTag")?.get(0)).toBe(2)
    }).pipe(Effect.runPromise))

  it("counts each request under its service name: an Unconnected Send under the request it routes, others in hex", () => {
    const p = probe()
    const stats = new ControllerStats()
    const h = handlerOf(p, { stats })
    h.frame(register())
    p.reply = { _tag: "Error", service: 0xcc, status: 0x05, extStatus: [], data: new Uint8Array(0) }
    h.frame(sendRR(READ))
    // Unconnected Send (0x52 to the Connection Manager) routing the Read Tag to slot 0.
    h.frame(sendRR(bytes("52 02 20 06 24 01 0a f0 0800 4c 02 91 01 41 00 0100 01 00 01 00")))
    h.frame(sendRR(bytes("4b 02 20 01 24 01")))
    h.frame(sendRR(bytes("05 02 20 01 24 01")))
    expect(Object.fromEntries(Array.from(stats.requests, ([k, v]) => [k, Object.fromEntries(v)]))).toEqual({
      ReadTag: { 5: 2 }, "0x4b": { 5: 1 }, "0x05": { 5: 1 }
    })
  })

  it("without a handle release, a session still closes cleanly; listReply answers only List* commands", () => {
    const p = probe()
    const h = makeEncapsulationHandler({ endpoint: p.endpoint, newSessionHandle: () => 5, local: { address: "127.0.0.1", port: 1 } })
    h.frame(register())
    h.close()
    expect(p.closed).toEqual([5])
    const decoded = decodeFrame(register())
    if (Either.isLeft(decoded)) throw new Error("register frame does not decode")
    expect(listReply(decoded.right.header, decoded.right.body, p.endpoint, { address: "127.0.0.1", port: 1 })).toBeUndefined()
  })

  it("framingError: a header of 24 bytes → 0x0065 echoing it; none or a short one → no reply", () => {
    const h = handlerOf(probe())
    expect(h.framingError({ reason: "too large" })).toBeUndefined()
    expect(h.framingError({ reason: "too large", header: new Uint8Array(23) })).toBeUndefined()
    const header = frameOf(0x6f, new Uint8Array(0), 0x42, 0xffff)
    expect(hex(h.framingError({ reason: "too large", header })!)).toBe(errorHeader(0x6f, 0x42, 0x65))
  })
})
