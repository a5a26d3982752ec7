/**
 * Encapsulation-level behaviour over real sockets: session handle checks, unsupported commands,
 * frame limits, malformed CPF, UnregisterSession, and isolation between sessions.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  cipOf, isClosed, isSilent, nextFrame, rawClient, readTagCip, register, sendRR, startSimulator, statusOf, toHex, u16, u32, writeIntCip
} from "./fixture.js"

const TAGS = ["SCADA=INT[100]"]

describe("encapsulation", () => {
  it.scopedLive("SendRRData / SendUnitData with an unregistered or wrong session handle → status 0x0064, session kept", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      c.send(sendRR(0x12345678, readTagCip("SCADA"), "0102030405060708"))
      const f = yield* nextFrame(c)
      expect(statusOf(f)).toBe(0x64)
      expect(toHex(f)).toBe("6f000000" + "78563412" + "64000000" + "0102030405060708" + "00000000")
      const s = yield* register(c)
      c.send(sendRR((s + 1) >>> 0, readTagCip("SCADA")))
      expect(statusOf(yield* nextFrame(c))).toBe(0x64)
      // SendUnitData too.
      c.send("70001600" + u32(s ^ 0xffff) + "00000000" + "0000000000000000" + "00000000" + "000000000000" + "0200" + "a1000400" + "01000000" + "b1000200" + "0100")
      expect(statusOf(yield* nextFrame(c))).toBe(0x64)
      c.send(sendRR(s, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
    }))

  it.scopedLive("an unsupported command → status 0x0001 (the header echoed, no payload); session kept", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      c.send("9900" + "0400" + u32(s) + "00000000" + "aabbccddeeff0011" + "00000000" + "01020304")
      expect(toHex(yield* nextFrame(c))).toBe("99000000" + u32(s) + "01000000" + "aabbccddeeff0011" + "00000000")
      c.send(sendRR(s, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
    }))

  it.scopedLive("RegisterSession with protocol version 2 → status 0x0069", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      c.send("65000400000000000000000000000000000000000000000002000000")
      expect(statusOf(yield* nextFrame(c))).toBe(0x69)
    }))

  it.scopedLive("a frame longer than maxFrame → status 0x0065, then the connection is closed", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, maxFrame: 100 })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      c.send(sendRR(s, readTagCip("SCADA"))) // within the limit
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
      const big = sendRR(s, "4c" + "00".repeat(100), "1111111111111111")
      c.send(big)
      expect(toHex(yield* nextFrame(c))).toBe("6f000000" + u32(s) + "65000000" + "1111111111111111" + "00000000")
      expect(yield* isClosed(c)).toBe(true)
    }))

  it.scopedLive("a too-long frame header after a partial frame still closes the connection", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, maxFrame: 100 })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const ok = sendRR(s, readTagCip("SCADA"))
      c.send(ok.slice(0, 20)) // half a frame…
      yield* Effect.sleep("30 millis")
      c.send(ok.slice(20) + "6f00ff00" + u32(s) + "00".repeat(16)) // …its rest, then a 255-byte body
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
      expect(toHex(yield* nextFrame(c))).toBe("6f000000" + u32(s) + "65000000" + "00".repeat(12))
      expect(yield* isClosed(c)).toBe(true)
    }))

  it.scopedLive("a too-long header split across chunks → the frames before it answered, then 0x0065 and close (also with a delay)", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, maxFrame: 100 })
      yield* sim.control.setDelay(0.05)
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const ok = sendRR(s, readTagCip("SCADA"))
      const bad = "6f00ff00" + u32(s) + "00000000" + "2222222222222222" + "00000000"
      c.send(ok + ok + bad.slice(0, 10))
      yield* Effect.sleep("20 millis")
      c.send(bad.slice(10))
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
      expect(toHex(yield* nextFrame(c))).toBe("6f000000" + u32(s) + "65000000" + "2222222222222222" + "00000000")
      expect(yield* isClosed(c)).toBe(true)
    }))

  it.scopedLive("malformed CPF → status 0x0003; session kept", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const header = (len: number) => "6f00" + u16(len) + u32(s) + "00000000" + "0000000000000000" + "00000000"
      // CPF claims 2 items but holds one truncated item.
      const truncated = "00000000" + "0000" + "0200" + "0000" + "0000" + "b2001000" + "4c00"
      c.send(header(truncated.length / 2) + truncated)
      expect(statusOf(yield* nextFrame(c))).toBe(0x03)
      // Two items, but not Null Address + Unconnected Data.
      const wrongItems = "00000000" + "0000" + "0200" + "b2000000" + "b2000000"
      c.send(header(wrongItems.length / 2) + wrongItems)
      expect(statusOf(yield* nextFrame(c))).toBe(0x03)
      // SendRRData with no CPF at all.
      c.send(header(6) + "000000000000")
      expect(statusOf(yield* nextFrame(c))).toBe(0x03)
      c.send(sendRR(s, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
    }))

  it.scopedLive("after CIP errors (bad path, truncated request, unknown service, bad element) the session keeps working", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      for (const cip of ["4c0291ff", "4c", "4b022002240100", readTagCip("SCADA", 1, 5000), "4c0520062401"]) {
        c.send(sendRR(s, cip))
        const f = yield* nextFrame(c)
        expect(statusOf(f), cip).toBe(0)
        const reply = Buffer.from(cipOf(f)!, "hex")
        expect(reply[0], cip).toBe(((Number.parseInt(cip.slice(0, 2), 16) & 0x7f) | 0x80))
        expect(reply[2], cip).not.toBe(0)
        c.send(sendRR(s, readTagCip("SCADA")))
        expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
      }
    }))

  it.scopedLive("UnregisterSession closes the connection and releases the session's CIP connections", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      // Forward Open (as the cpppo vector) so the session holds a connection.
      c.send(sendRR(s, "540220062401" + "059d" + "01010000ffffffff010134120100000000000000" + "80841e00fe43" + "80841e00fe43" + "a3" + "03010020022401"))
      expect(Buffer.from(cipOf(yield* nextFrame(c))!, "hex").subarray(0, 4).toString("hex")).toBe("d4000000")
      expect(sim.controller.connections()).toHaveLength(1)
      expect(sim.registry.size()).toBe(1)
      c.send("66000000" + u32(s) + "00".repeat(16))
      expect(yield* isClosed(c)).toBe(true)
      expect(yield* isSilent(c, 50)).toBe(true)
      yield* Effect.sleep("50 millis")
      expect(sim.controller.connections()).toHaveLength(0)
      expect(sim.registry.size()).toBe(0)
    }))

  it.scopedLive("misbehaving sessions (garbage, half frames, huge lengths, abrupt resets) never disturb a working one", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, maxFrame: 600 })
      const good = yield* rawClient(sim.port)
      const s = yield* register(good)
      const bad = yield* Effect.all(Array.from({ length: 8 }, () => rawClient(sim.port)))
      const misbehave = Effect.gen(function* () {
        for (let round = 0; round < 10; round++) {
          bad[0]!.send(Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37 + round) & 0xff)))
          bad[1]!.send("6f00") // a header fragment, then nothing
          bad[2]!.send("6f00ffff" + "00".repeat(20)) // 65535-byte body announced
          bad[3]!.send("65000400000000000000000000000000000000000000000001000000".repeat(50))
          bad[4]!.send(sendRR(0xdead, "4c".repeat(100)))
          bad[5]!.send("0000" + "0000".repeat(11)) // NOPs
          bad[6]!.send("63000000" + "00".repeat(20)) // ListIdentity, never read
          yield* Effect.sleep("2 millis")
        }
        bad[7]!.socket.resetAndDestroy()
      })
      const work = Effect.gen(function* () {
        for (let i = 0; i < 100; i++) {
          good.send(sendRR(s, writeIntCip("SCADA", [i, -i], 10)))
          expect(cipOf(yield* nextFrame(good, 1000))).toBe("cd000000")
          good.send(sendRR(s, readTagCip("SCADA", 2, 10)))
          const cip = cipOf(yield* nextFrame(good, 1000))!
          const b = Buffer.from(cip, "hex")
          expect([b.readInt16LE(6), b.readInt16LE(8)]).toEqual([i, -i + 0])
        }
      })
      yield* Effect.all([misbehave, work], { concurrency: 2 })
      expect(yield* sim.tags.read("SCADA", 10, 2)).toEqual([99, -99])
      expect(sim.registry.get(`127_0_0_1_${good.socket.localPort}`)?.requests).toBe(201)
    }))

  it.scopedLive("a connection belongs to its session: SendUnitData on another session's connection id → 0x01/0x0107; registry counts bytes and requests", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const a = yield* rawClient(sim.port)
      const b = yield* rawClient(sim.port)
      const sa = yield* register(a)
      const sb = yield* register(b)
      const forwardOpen = sendRR(sa, "540220062401" + "059d" + "01010000ffffffff010134120100000000000000" + "80841e00fe43" + "80841e00fe43" + "a3" + "03010020022401")
      a.send(forwardOpen)
      const open = Buffer.from(cipOf(yield* nextFrame(a))!, "hex")
      const ot = open.readUInt32LE(4)
      const unitData = (session: number) => {
        const cip = readTagCip("SCADA")
        const body = "00000000" + "0000" + "0200" + "a100" + "0400" + u32(ot) + "b100" + u16(2 + cip.length / 2) + "0700" + cip
        return "7000" + u16(body.length / 2) + u32(session) + "00000000" + "0000000000000000" + "00000000" + body
      }
      b.send(unitData(sb))
      const refused = Buffer.from(yield* nextFrame(b))
      expect(statusOf(refused)).toBe(0)
      expect(refused.subarray(-8).toString("hex")).toBe("0700cc0001010701") // sequence echoed, connection failure
      a.send(unitData(sa))
      const ok = Buffer.from(yield* nextFrame(a))
      expect(ok.subarray(-10).toString("hex")).toBe("0700cc000000c3000000")
      const entry = sim.registry.get(`127_0_0_1_${a.socket.localPort}`)!
      expect(entry.requests).toBe(3)
      expect(entry.received).toBe(28 + forwardOpen.length / 2 + unitData(sa).length / 2)
    }))
})
