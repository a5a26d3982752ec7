/** ListIdentity / ListServices over UDP, and the address ListIdentity reports. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as dgram from "node:dgram"
import { nextFrame, rawClient, startSimulator, toHex } from "./fixture.js"

/** Send one datagram to 127.0.0.1:port; the reply, or undefined after `ms`. */
const ask = (port: number, request: string, ms = 1000, host = "127.0.0.1") =>
  Effect.async<Uint8Array | undefined>((resume) => {
    const socket = dgram.createSocket("udp4")
    const timer = setTimeout(() => { socket.close(); resume(Effect.succeed(undefined)) }, ms)
    socket.on("message", (msg) => { clearTimeout(timer); socket.close(); resume(Effect.succeed(Uint8Array.from(msg))) })
    socket.send(Buffer.from(request, "hex"), port, host)
  })

const LIST_IDENTITY = "63000000000000000000000001020304050607080000000000"
const sockaddrOf = (reply: Uint8Array) => {
  const b = Buffer.from(reply)
  // header 24, item count 2, item type 2, item length 2, protocol version 2, then sockaddr (big-endian).
  return { family: b.readUInt16BE(32), port: b.readUInt16BE(34), address: [...b.subarray(36, 40)].join(".") }
}

describe("UDP", () => {
  it.scopedLive("ListIdentity over UDP to 127.0.0.1 reports 127.0.0.1 and the server's port; sender context echoed", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[10]"], udp: true })
      expect(sim.server.udpAddress?.port).toBe(sim.port)
      const reply = yield* ask(sim.port, LIST_IDENTITY.slice(0, 48))
      expect(reply).toBeDefined()
      const b = Buffer.from(reply!)
      expect(b.readUInt16LE(0)).toBe(0x63)
      expect(b.readUInt32LE(8)).toBe(0)
      expect(b.subarray(12, 20).toString("hex")).toBe("0102030405060708")
      expect(b.readUInt16LE(24)).toBe(1) // one item
      expect(b.readUInt16LE(26)).toBe(0x0c) // identity
      expect(sockaddrOf(reply!)).toEqual({ family: 2, port: sim.port, address: "127.0.0.1" })
      expect(b.subarray(b.length - 21, b.length - 1).toString("latin1")).toBe("1756-L61/B LOGIX5561")
    }))

  it.scopedLive("ListServices and ListInterfaces over UDP; other commands get no UDP reply", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[10]"], udp: true })
      const services = yield* ask(sim.port, "040000000000000000000000aaaaaaaaaaaaaaaa00000000")
      // The name field is 16 bytes ("Communications\0\0", item length 20), as the specification
      // and controllers have it; cpppo sends 15 and Wireshark calls that malformed.
      expect(toHex(services!)).toBe("04001a000000000000000000" + "aaaaaaaaaaaaaaaa00000000" +
        "01000001140001002000436f6d6d756e69636174696f6e730000")
      const interfaces = yield* ask(sim.port, "640000000000000000000000000000000000000000000000")
      expect(toHex(interfaces!)).toBe("640002000000000000000000000000000000000000000000" + "0000")
      expect(yield* ask(sim.port, "65000400000000000000000000000000000000000000000001000000", 300)).toBeUndefined()
      expect(yield* ask(sim.port, "ffff", 300)).toBeUndefined() // garbage: ignored, listener survives
      expect(yield* ask(sim.port, LIST_IDENTITY.slice(0, 48))).toBeDefined()
    }))

  it.scopedLive("bound to 0.0.0.0: ListIdentity reports the loopback address each client reached (UDP 127.0.0.1, TCP 127.0.0.2)", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[10]"], udp: true, host: "0.0.0.0" })
      const udp = yield* ask(sim.port, LIST_IDENTITY.slice(0, 48))
      expect(sockaddrOf(udp!)).toEqual({ family: 2, port: sim.port, address: "127.0.0.1" })
      const c = yield* rawClient(sim.port, "127.0.0.2")
      c.send(LIST_IDENTITY.slice(0, 48))
      expect(sockaddrOf(yield* nextFrame(c))).toEqual({ family: 2, port: sim.port, address: "127.0.0.2" })
    }))

  it.scopedLive("a disabled server answers no UDP List* until enabled", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[10]"], udp: true })
      yield* sim.control.setDisabled(true)
      expect(yield* ask(sim.port, LIST_IDENTITY.slice(0, 48), 300)).toBeUndefined()
      yield* sim.control.setDisabled(false)
      expect(yield* ask(sim.port, LIST_IDENTITY.slice(0, 48))).toBeDefined()
    }))
})
