/**
 * README, `cpppo enip server`: "The UDP listener answers ListIdentity, ListServices and
 * ListInterfaces, both unicast and broadcast." Nothing leaves loopback: a listener bound to
 * 0.0.0.0 gets a datagram sent to 127.255.255.255 (loopback's broadcast address) by a socket
 * allowed to broadcast, as a controller gets a broadcast on its subnet, and answers the sender.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as dgram from "node:dgram"
import { run, start } from "../cli/cpppo.js"
import { startSimulator } from "./fixture.js"

const LIST_IDENTITY = "630000000000000000000000010203040506070800000000"
const BROADCAST = "127.255.255.255"

/** Broadcast one datagram to BROADCAST:port; every reply within `ms`. */
const broadcast = (port: number, request: string, ms = 1000) =>
  Effect.async<Array<Uint8Array>>((resume) => {
    const socket = dgram.createSocket("udp4")
    const replies: Array<Uint8Array> = []
    socket.on("message", (msg) => replies.push(Uint8Array.from(msg)))
    socket.bind(0, () => {
      socket.setBroadcast(true)
      socket.send(Buffer.from(request, "hex"), port, BROADCAST)
      setTimeout(() => { socket.close(); resume(Effect.succeed(replies)) }, ms)
    })
  })

/** A UDP port free now (bound and released). */
const freeUdpPort = () =>
  Effect.async<number>((resume) => {
    const s = dgram.createSocket("udp4")
    s.bind({ address: "0.0.0.0", port: 0 }, () => { const p = s.address().port; s.close(() => resume(Effect.succeed(p))) })
  })

describe("UDP broadcast", () => {
  it.scopedLive("a server bound to 0.0.0.0 answers a broadcast ListIdentity and ListServices; one bound to 127.0.0.1 does not get it", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[10]"], udp: true, host: "0.0.0.0" })
      const identity = yield* broadcast(sim.port, LIST_IDENTITY)
      expect(identity).toHaveLength(1)
      const b = Buffer.from(identity[0]!)
      expect(b.readUInt16LE(0)).toBe(0x63)
      expect(b.subarray(12, 20).toString("hex")).toBe("0102030405060708")
      // The socket address it reports is the loopback address the reply leaves from.
      expect([...b.subarray(36, 40)].join(".")).toBe("127.0.0.1")
      expect(b.readUInt16BE(34)).toBe(sim.port)
      const services = yield* broadcast(sim.port, "040000000000000000000000aaaaaaaaaaaaaaaa00000000")
      expect(services.map((r) => Buffer.from(r).readUInt16LE(0))).toEqual([0x04])
      // Bound to one address, a listener gets only datagrams to that address (as a real socket does).
      const unicastOnly = yield* startSimulator({ tags: ["SCADA=INT[10]"], udp: true, host: "127.0.0.1" })
      expect(yield* broadcast(unicastOnly.port, LIST_IDENTITY, 500)).toEqual([])
    }))

  it.live("real binaries: two servers on 0.0.0.0 (UDP only) both answer `cpppo enip client -b -i` sent to 127.255.255.255", () =>
    Effect.gen(function* () {
      const port = yield* freeUdpPort()
      const servers = ["PLC A", "PLC B"].map((name) => start(["enip", "server", "--no-config", "-T", "-a", `0.0.0.0:${port}`, "-A", "--product-name", name, "X=INT"]))
      try {
        // Both listening (-A prints the address once bound).
        yield* Effect.promise(() => Promise.all(servers.map((s) => s.line(/\d+$/))))
        const r = yield* Effect.promise(() => run(["enip", "client", "-b", "-i", "-t", "1", "-a", `${BROADCAST}:${port}`]))
        expect(r.status, r.stderr).toBe(0)
        const answers = r.stdout.match(/^ListIdentity from 127\.0\.0\.1:\d+: 1 item$/gm) ?? []
        expect(answers).toHaveLength(2)
        const names = [...r.stdout.matchAll(/Product Name: +"([^"]*)"/g)].map((m) => m[1]).sort()
        expect(names).toEqual(["PLC A", "PLC B"])
      } finally {
        yield* Effect.promise(() => Promise.all(servers.map((s) => s.stop())))
      }
    }), 60_000)
})
