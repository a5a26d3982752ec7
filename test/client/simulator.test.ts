import { expect, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Client } from "../../src/client/client.js"
import { listOverTcp, listOverUdp } from "../../src/client/discovery.js"
import { parseOperations } from "../../src/client/operations.js"
import { formatResult } from "../../src/client/results.js"
import { EnipServer, SimulatorLive } from "../../src/server/simulator.js"

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))

const TAGS = [
  "SCADA=INT[1000]", "DINT1=DINT", "BIG=DINT[2000]", "S8=SINT[4]", "U8=USINT[4]", "U16=UINT[4]", "U32=UDINT[4]",
  "L64=LINT[4]", "UL64=ULINT[4]", "R32=REAL[4]", "R64=LREAL[4]", "B=BOOL[4]", "SS=SSTRING[2]", "STR=STRING[2]",
  "Program:MainProgram.Speed=DINT", "ATTR@0x93/3/10=REAL[4]"
]

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: TAGS }), { excludeTestServices: true })("client against the simulator", (it) => {
  const connect = (extra: Partial<Parameters<typeof Client.connect>[0]> = {}) =>
    Effect.flatMap(EnipServer, ({ address }) => Client.connect({ host: "127.0.0.1", port: address.port, ...extra }))

  for (const connected of [false, true]) {
    it.scoped(`every type round-trips (${connected ? "connected" : "unconnected"})`, () =>
      Effect.gen(function* () {
        const c = yield* connect({ connected })
        const writes = [
          "S8[0-3]=(SINT)-128,-1,0,127", "U8[0-3]=(USINT)0,1,254,255", "U16[0-1]=(UINT)0,65535", "U32[0-1]=(UDINT)0,4294967295",
          "L64[0-1]=(LINT)-9223372036854775808,9223372036854775807", "UL64[0]=(ULINT)18446744073709551615",
          "R32[0-1]=(REAL)1.5,-2.25", "R64[0-1]=(LREAL)1e300,-0.1", "B[0]=(DWORD)5", 'SS[0-1]=(SSTRING)"hi, there",x',
          "STR[0]=(STRING)hello", "DINT1=(DINT)-7", "SCADA[10-12]=1,2,3"
        ]
        const w = yield* c.processAll(ops(...writes), { depth: 4 })
        expect(w.transactions.filter((r) => !r.ok).map(formatResult)).toEqual([])
        const r = yield* c.processAll(ops("S8[0-3]", "U8[0-3]", "U16[0-1]", "U32[0-1]", "L64[0-1]", "UL64[0]", "R32[0-1]", "R64[0-1]", "B[0]", "SS[0-1]", "STR[0]", "DINT1", "SCADA[10-12]"), { depth: 4 })
        expect(r.transactions.map((t) => t.values)).toEqual([
          [-128, -1, 0, 127], [0, 1, 254, 255], [0, 65535], [0, 4294967295],
          [-9223372036854775808n, 9223372036854775807n], [18446744073709551615n], [1.5, -2.25], [1e300, -0.1],
          [5], ["hi, there", "x"], ["hello"], [-7], [1, 2, 3]
        ])
      }))
  }

  it.scoped("a read too large for one reply continues after 0x06; a large write is fragmented", () =>
    Effect.gen(function* () {
      const c = yield* connect()
      const values = Array.from({ length: 2000 }, (_, i) => i * 7 - 5000)
      const w = yield* c.processAll(ops(`BIG[0-1999]=(DINT)${values.join(",")}`))
      expect(w.failures).toBe(0)
      expect(w.requests).toBeGreaterThan(10) // 8000 bytes in ≤ ~490-byte fragments
      const r = yield* c.processAll(ops("BIG[0-1999]"))
      expect(r.transactions[0]!.values).toEqual(values)
      expect(r.requests).toBeGreaterThan(10)
      const f = yield* c.processAll(ops("BIG[0-9]+8"), { fragment: true })
      expect(f.transactions[0]!.values).toEqual(values.slice(2, 10))
    }))

  it.scoped("Multiple Service Packets carry embedded errors per operation", () =>
    Effect.gen(function* () {
      const c = yield* connect()
      const list = ops("SCADA[0]", "NoSuchTag", "SCADA[1]", "SCADA[5000]", "DINT1", "SCADA[2]=(DINT)1")
      const r = yield* c.processAll(list, { multiple: true, depth: 2 })
      expect(r.requests).toBe(1)
      expect(r.transactions.map((t) => t.ok)).toEqual([true, false, true, false, true, false])
      expect(r.transactions[1]!.status).toBe(0x05)
      expect(r.failures).toBe(3)
    }))

  it.scoped("numeric addressing: Get Attribute Single / All on Identity", () =>
    Effect.gen(function* () {
      const c = yield* connect()
      const name = yield* c.read("@1/1/7")
      expect(name).toBeInstanceOf(Uint8Array)
      const all = yield* c.read("@1/1")
      expect((all as Uint8Array).length).toBeGreaterThan(14)
      const bad = yield* Effect.either(c.read("@0x99/1/1"))
      expect(Either.isLeft(bad) && bad.left._tag).toBe("OperationFailed")
    }))

  it.scoped("program-scoped tags and cpppo's numeric-path tags", () =>
    Effect.gen(function* () {
      const c = yield* connect()
      yield* c.write("Program:MainProgram.Speed", [1234])
      expect(yield* c.read("Program:MainProgram.Speed")).toEqual([1234])
      yield* c.write("@0x93/3/10[1-2]", [2.5, -1], "REAL")
      expect(yield* c.read("ATTR[0-3]")).toEqual([0, 2.5, -1, 0])
      expect(yield* c.read("@0x93/3/10[2]")).toEqual([-1])
      // Without an element: Set / Get Attribute Single on the whole attribute (raw bytes back).
      const set = yield* c.processAll(Either.getOrThrow(parseOperations(["@0x93/3/10=(REAL)1,2,3,4"])))
      expect(set.failures).toBe(0)
      const raw = yield* c.read("@0x93/3/10")
      expect(Array.from(new Float32Array(Uint8Array.from(raw as Uint8Array).buffer))).toEqual([1, 2, 3, 4])
    }))

  it.scoped("discovery over TCP and UDP (127.0.0.1)", () =>
    Effect.gen(function* () {
      const { address, udpAddress } = yield* EnipServer
      const c = yield* connect()
      const tcp = yield* listOverTcp(c.session, "ListIdentity", "x")
      expect(tcp.items[0]!._tag).toBe("ListIdentity")
      const udp = yield* listOverUdp("ListIdentity", { host: "127.0.0.1", port: udpAddress?.port ?? address.port, timeout: "2 seconds" })
      expect(udp[0]!.items[0]!._tag).toBe("ListIdentity")
      const svc = yield* listOverUdp("ListServices", { host: "127.0.0.1", port: udpAddress?.port ?? address.port, timeout: "2 seconds" })
      expect(svc[0]!.items[0]).toMatchObject({ _tag: "ListServices", name: "Communications" })
    }))
})
