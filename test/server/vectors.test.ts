/**
 * Raw-socket replays of every `sim.*` exchange in cpppo-wire.json: the simulator is configured as
 * each vector's description says, our session handle is substituted into the request, and the
 * reply bytes are compared with `reply_hex`. Where the issue asks for a real controller's answer
 * instead of cpppo's, the test name says "controller:" and asserts that answer instead.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { CPPPO_DEVIATIONS, loadWireVectors } from "../fixtures/fixtures.js"
import type { RawClient } from "./raw.js"
import { cipOf, isClosed, isSilent, nextFrame, rawClient, readTagCip, register, sendRR, startSimulator, toHex, withSession } from "./fixture.js"

interface Vector {
  readonly id: string
  readonly description: string
  readonly request_hex: string
  readonly reply_hex: string | null
  readonly server_keeps_session?: boolean
}
const file = { vectors: loadWireVectors() as ReadonlyArray<Vector> }
const SIM = file.vectors.filter((v) => v.id.startsWith("sim."))
const vector = (id: string): Vector => {
  const v = SIM.find((x) => x.id === id)
  if (v === undefined) throw new Error(`no vector ${id}`)
  return v
}

/** Vectors replayed (bytes sent, reply checked), counted across the file. */
const replayed = new Set<string>()

/** Send a vector's request with our session handle; returns the reply frame (hex). */
const replay = (c: RawClient, id: string, session: number, patch?: (req: Buffer) => void) =>
  Effect.gen(function* () {
    const req = Buffer.from(withSession(vector(id).request_hex, session), "hex")
    patch?.(req)
    c.send(req)
    const f = yield* nextFrame(c)
    replayed.add(id)
    return toHex(f)
  })

/** The vector's reply with our session handle. */
const expected = (id: string, session: number) => withSession(vector(id).reply_hex!, session)

/** A SendRRData reply frame (hex) with its CIP reply replaced (lengths fixed). */
const withCip = (frameHex: string, cip: string): string => {
  const b = Buffer.from(frameHex.slice(0, 80), "hex")
  b.writeUInt16LE(16 + cip.length / 2, 2)
  b.writeUInt16LE(cip.length / 2, 38)
  return b.toString("hex") + cip
}

/** A cpppo ListServices reply frame with the name field made 16 bytes (lengths fixed). */
const cpppoListServicesFixed = (frameHex: string): string => {
  const b = Buffer.from(frameHex, "hex")
  expect(b.subarray(b.length - 15).toString("latin1")).toBe("Communications\0") // cpppo's 15 bytes
  b.writeUInt16LE(b.readUInt16LE(2) + 1, 2) // encapsulation length
  b.writeUInt16LE(b.readUInt16LE(28) + 1, 28) // item length 19 → 20
  return b.toString("hex") + "00"
}

/** cpppo's Identity Get Attributes All reply without its attributes 8..10 (the last 4 bytes). */
const identityAll1to7 = (id: string, session: number): string => {
  const cip = cipOf(Buffer.from(expected(id, session), "hex"))!
  expect(cip.endsWith("ff000000")).toBe(true)
  return withCip(expected(id, session), cip.slice(0, -8))
}

/** The session still answers: Read Tag SCADA[0] (simple form). */
const stillWorks = (c: RawClient, session: number) =>
  Effect.gen(function* () {
    c.send(sendRR(session, readTagCip("SCADA", 1, 0)))
    const cip = cipOf(yield* nextFrame(c))
    expect(cip?.slice(0, 12)).toBe("cc000000c300")
  })

const TAGS = [
  "SCADA=INT[10]", "FLOAT=REAL", "TEXT=SSTRING[3]", "NAME=STRING", "FLAG=BOOL", "BIG=LINT", "BROKEN=INT",
  "Tag=DINT[3]", "Motor_Velocity@0x93/3/10=REAL"
]

/** The simulator as the default-config vectors describe it, initial values set via the TagStore. */
const defaultSimulator = Effect.gen(function* () {
  const sim = yield* startSimulator({ tags: TAGS })
  yield* sim.tags.write("SCADA", 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  yield* sim.tags.write("FLOAT", 0, [1.5])
  yield* sim.tags.write("TEXT", 0, ["abc", "de", ""])
  yield* sim.tags.write("NAME", 0, ["Hello"])
  yield* sim.tags.write("BIG", 0, [-2n])
  yield* sim.tags.setError("BROKEN", { status: 0x08 })
  return sim
})

const EXACT_READS = [
  "sim.read_tag_int_array", "sim.read_tag_scalar_real", "sim.read_tag_sstring", "sim.read_tag_bool",
  "sim.read_tag_lint", "sim.read_frag_offset0", "sim.read_frag_offset4"
]

describe("cpppo sim.* vectors, replayed over TCP", () => {
  it.scopedLive("RegisterSession, List*, reads and writes (default config), byte for byte", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      // RegisterSession: the handle is ours (non-zero), the rest as the vector.
      c.send(vector("sim.register_session").request_hex)
      const reg = yield* nextFrame(c)
      replayed.add("sim.register_session")
      const s = Buffer.from(reg).readUInt32LE(4)
      expect(s).not.toBe(0)
      expect(toHex(reg)).toBe(expected("sim.register_session", s))

      expect(yield* replay(c, "sim.list_interfaces", s)).toBe(expected("sim.list_interfaces", s))
      // A cpppo deviation (marked in CPPPO_DEVIATIONS): its ListServices name field is 15 bytes
      // ("Communications\0", item length 19); controllers send 16 ("Communications\0\0", length 20).
      expect(CPPPO_DEVIATIONS["sim.list_services"]).toBeDefined()
      expect(yield* replay(c, "sim.list_services", s)).toBe(cpppoListServicesFixed(expected("sim.list_services", s)))
      for (const id of EXACT_READS) expect(yield* replay(c, id, s), id).toBe(expected(id, s))
      for (const id of ["sim.write_tag_int", "sim.write_tag_real"]) expect(yield* replay(c, id, s), id).toBe(expected(id, s))
      expect(yield* sim.tags.read("SCADA", 1, 2)).toEqual([99, 100])
      expect(yield* sim.tags.read("FLOAT")).toEqual([2.25])
    }))

  it.scopedLive("controller: ListIdentity and legacy 0x0001 report the address the client reached (127.0.0.1 and our port)", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const port = Buffer.alloc(2); port.writeUInt16BE(sim.port)
      // sockaddr: family 2, port (big-endian), 127.0.0.1 — where cpppo reports 0.0.0.0:44818.
      const ident = expected("sim.list_identity", s).replace("0002af1200000000", `0002${port.toString("hex")}7f000001`)
      expect(yield* replay(c, "sim.list_identity", s)).toBe(ident)
      const quad = Buffer.from("127.0.0.1".padEnd(16, "\0"), "latin1").toString("hex")
      const legacy = expected("sim.legacy_0x0001", s)
        .replace("0002af1200000000", `0002${port.toString("hex")}7f000001`)
        .replace(/302e302e302e30[0-9a-f]*$/, quad)
      expect(yield* replay(c, "sim.legacy_0x0001", s)).toBe(legacy)
    }))

  it.scopedLive("controller: writes (SINT into INT is a type mismatch 0xFF/0x2107), fragmented write, read back, MSP with 0x1E", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      for (const id of ["sim.write_tag_int", "sim.write_tag_real"]) expect(yield* replay(c, id, s), id).toBe(expected(id, s))
      // A real Logix controller refuses a SINT written to an INT tag (cpppo accepts it).
      const mismatch = withCip(expected("sim.write_tag_sint_into_int", s), "cd00ff010721")
      expect(yield* replay(c, "sim.write_tag_sint_into_int", s)).toBe(mismatch)
      expect(yield* replay(c, "sim.write_frag_int", s)).toBe(expected("sim.write_frag_int", s))
      // SCADA[3] keeps 3 (the SINT write was refused): cpppo's -5 (fbff) becomes 3 (0300).
      expect(yield* replay(c, "sim.read_after_writes", s)).toBe(expected("sim.read_after_writes", s).replace("63006400fbff", "630064000300"))
      // Multiple Service Packet: a real controller sets general status 0x1E (embedded service
      // error) when any embedded reply failed; every embedded reply as cpppo's.
      const msp = expected("sim.multiple_service_packet", s).replace("b20038008a000000", "b20038008a001e00")
      expect(yield* replay(c, "sim.multiple_service_packet", s)).toBe(msp)
      expect(yield* sim.tags.read("Tag", 2, 1)).toEqual([12345])
    }))

  it.scopedLive("controller: Identity Get Attributes All ends at attribute 7; Set/Get Attribute Single on a placed tag, simple requests, byte for byte", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      // A ControlLogix answers Identity Get Attributes All with attributes 1..7 (ending with the
      // product name); cpppo appends state, configuration consistency and heartbeat (4 bytes).
      expect(yield* replay(c, "sim.get_attributes_all_identity", s)).toBe(identityAll1to7("sim.get_attributes_all_identity", s))
      for (const id of [
        "sim.get_attribute_single_identity_name", "sim.set_attribute_single_real",
        "sim.get_attribute_single_after_set", "sim.simple_get_attribute_single"
      ]) expect(yield* replay(c, id, s), id).toBe(expected(id, s))
      expect(yield* sim.tags.read("Motor_Velocity")).toEqual([1])
      yield* sim.tags.write("SCADA", 1, [99])
      expect(yield* replay(c, "sim.simple_read_tag", s)).toBe(expected("sim.simple_read_tag", s))
    }))

  it.scopedLive("controller: TCP/IP Interface Get Attributes All is a configured interface linked to Ethernet Link @F6/1", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const reply = Buffer.from(yield* replay(c, "sim.get_attributes_all_tcpip", s), "hex")
      const cip = reply.subarray(40)
      expect(cip.subarray(0, 4).toString("hex")).toBe("81000000")
      const status = cip.readUInt32LE(4)
      expect(status & 0x0f).toBeGreaterThanOrEqual(1) // configuration obtained (cpppo: 2, "hardware configured")
      const pathWords = cip.readUInt16LE(16)
      expect(cip.subarray(18, 18 + pathWords * 2).toString("hex")).toBe("20f62401")
      // Then interface configuration (5 × UDINT + STRING domain) and host name (STRING).
      let p = 18 + pathWords * 2 + 20
      for (let i = 0; i < 2; i++) { const n = cip.readUInt16LE(p); p += 2 + n + (n % 2) }
      expect(p).toBe(cip.length)
    }))

  it.scopedLive("controller: Get Attribute List @0xAC/1 reply carries the attribute count, then id/status per attribute", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const cip = Buffer.from(cipOf(Buffer.from(yield* replay(c, "sim.get_attribute_list_logical_segments", s), "hex"))!, "hex")
      expect(cip[0]).toBe(0x83)
      expect(cip.readUInt16LE(4)).toBe(5)
      const sizes: Record<number, number> = { 1: 2, 2: 2, 3: 4, 4: 4, 10: 4 }
      let p = 6
      const ids: Array<number> = []
      for (let i = 0; i < 5; i++) {
        const id = cip.readUInt16LE(p)
        const status = cip.readUInt16LE(p + 2)
        ids.push(id)
        p += 4 + (status === 0 ? sizes[id]! : 0)
      }
      expect(ids).toEqual([1, 2, 3, 4, 10])
      expect(p).toBe(cip.length)
    }))

  it.scopedLive("CIP errors as cpppo answers them, byte for byte; the session keeps working", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      for (const id of ["sim.error_read_beyond_end", "sim.error_read_too_many_elements", "sim.error_write_wrong_type", "sim.error_forced_attribute_error"]) {
        expect(yield* replay(c, id, s), id).toBe(expected(id, s))
        yield* stillWorks(c, s)
      }
    }))

  it.scopedLive("controller: unknown tag → 0x05, unknown class → 0x05, missing attribute → 0x14, short Set → 0x13, unknown service → 0x08; session stays open", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      // cpppo answers the first, second and fifth with encapsulation status 0x08 and closes; a
      // controller answers in CIP (Unconnected Send wrapper stripped) and keeps the session.
      const cases: Array<[string, string]> = [
        ["sim.error_read_unknown_tag", "cc0005010000"],
        ["sim.error_get_attribute_unknown_class", "8e0005010000"],
        ["sim.error_get_attribute_missing", "8e001400"],
        ["sim.error_set_attribute_wrong_size", "90001300"],
        ["sim.error_unknown_service_code", "cb000800"]
      ]
      for (const [id, cip] of cases) {
        const reply = Buffer.from(yield* replay(c, id, s), "hex")
        expect(reply.readUInt32LE(8), id).toBe(0)
        expect(cipOf(reply), id).toBe(cip)
        yield* stillWorks(c, s)
      }
    }))

  it.scopedLive("Forward Open / connected Read Tag / Forward Close / Large Forward Open (controller: connected reply carries the T→O id)", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      yield* sim.tags.write("SCADA", 1, [99])
      const masked = (h: string) => h.slice(0, 88) + "********" + h.slice(96) // O→T id: server-chosen
      const open = yield* replay(c, "sim.forward_open", s)
      expect(masked(open)).toBe(masked(expected("sim.forward_open", s)))
      const ot = open.slice(88, 96)
      const to = open.slice(96, 104)
      expect(ot).not.toBe("00000000")
      expect(to).toBe("ffffffff")
      const read = yield* replay(c, "sim.connected_read_tag", s, (req) => Buffer.from(ot, "hex").copy(req, 36))
      // cpppo echoes the request's (O→T) id; a controller answers on its T→O id.
      const want = expected("sim.connected_read_tag", s)
      expect(read).toBe(want.slice(0, 72) + to + want.slice(80))
      expect(yield* replay(c, "sim.forward_close", s)).toBe(expected("sim.forward_close", s))
      expect(sim.controller.connections()).toHaveLength(0)
      const large = yield* replay(c, "sim.forward_open_large", s)
      expect(masked(large)).toBe(masked(expected("sim.forward_open_large", s)))
      expect(sim.controller.connections()).toHaveLength(1)
    }))

  it.scopedLive("--size 20 (frame limit 44): an over-long request → status 0x65, no payload, session closed", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, maxFrame: 24 + 20 })
      const c = yield* rawClient(sim.port)
      c.send(vector("sim.error_request_too_large").request_hex)
      expect(toHex(yield* nextFrame(c))).toBe(vector("sim.error_request_too_large").reply_hex)
      replayed.add("sim.error_request_too_large")
      expect(yield* isClosed(c)).toBe(true)
    }))

  it.scopedLive("UnregisterSession: no reply, connection closed", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      c.send(withSession(vector("sim.unregister_session").request_hex, s))
      replayed.add("sim.unregister_session")
      expect(yield* isClosed(c)).toBe(true)
      expect(yield* isSilent(c, 50)).toBe(true)
    }))

  it.scopedLive("--route-path 1/0: matching route and simple requests accepted; controller: a wrong route → Unconnected Send error reply, session kept", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, routePath: [{ _tag: "Port", port: 1, link: 0 }] })
      const c = yield* rawClient(sim.port)
      c.send(vector("sim.routepath10_register").request_hex)
      const reg = yield* nextFrame(c)
      replayed.add("sim.routepath10_register")
      const s = Buffer.from(reg).readUInt32LE(4)
      expect(toHex(reg)).toBe(expected("sim.routepath10_register", s))
      expect(yield* replay(c, "sim.routepath10_read_ok", s)).toBe(expected("sim.routepath10_read_ok", s))
      expect(yield* replay(c, "sim.routepath10_read_simple_ok", s)).toBe(expected("sim.routepath10_read_simple_ok", s))
      const wrong = Buffer.from(yield* replay(c, "sim.routepath10_read_wrong_route", s), "hex")
      expect(wrong.readUInt32LE(8)).toBe(0)
      // Unconnected Send reply: 0x01 connection failure, extended 0x0312 (link address not
      // valid), remaining path size 1 word.
      expect(cipOf(wrong)).toBe("d2000101120301")
      yield* stillWorks(c, s)
    }))

  it.scopedLive("-S (simple): simple requests accepted (Identity attributes 1..7); controller: a routed request → Unconnected Send error reply, session kept", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, simple: true })
      const c = yield* rawClient(sim.port)
      c.send(vector("sim.simple_register").request_hex)
      const reg = yield* nextFrame(c)
      replayed.add("sim.simple_register")
      const s = Buffer.from(reg).readUInt32LE(4)
      expect(toHex(reg)).toBe(expected("sim.simple_register", s))
      const routed = Buffer.from(yield* replay(c, "sim.simple_server_rejects_routed", s), "hex")
      expect(routed.readUInt32LE(8)).toBe(0)
      // 0x01 connection failure, extended 0x0311 (port not available: no routing), 1 word left.
      expect(cipOf(routed)).toBe("d2000101110301")
      expect(yield* replay(c, "sim.simple_server_accepts_simple", s)).toBe(identityAll1to7("sim.simple_server_accepts_simple", s))
    }))

  it.scopedLive("controller: STRING is served as the Logix STRING structure (0x02A0, handle 0x0FCE, DINT LEN + 82 chars + pad)", () =>
    Effect.gen(function* () {
      const sim = yield* defaultSimulator
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const cip = Buffer.from(cipOf(Buffer.from(yield* replay(c, "sim.read_tag_string", s), "hex"))!, "hex")
      expect(cip.subarray(0, 8).toString("hex")).toBe("cc000000a002ce0f")
      expect(cip.readInt32LE(8)).toBe(5)
      expect(cip.subarray(12, 17).toString("latin1")).toBe("Hello")
      expect(cip.length).toBe(8 + 88)
      expect(cip.subarray(17).every((b) => b === 0)).toBe(true)
    }))
})

afterAll(() => {
  // Every sim.* vector was sent and its reply checked.
  console.log(`replayed ${replayed.size} of ${SIM.length} sim.* vectors`)
  expect(SIM.filter((v) => !replayed.has(v.id)).map((v) => v.id)).toEqual([])
})
