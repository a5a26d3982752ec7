/**
 * RegisterSession carries a zero sender context, as libplctag and pylogix send it: ab_server and
 * some embedded devices answer any other with encapsulation status 0x0001. Checked through a
 * proxy in front of the simulator that refuses a RegisterSession with a non-zero context (as
 * ab_server does) and records the frame, in plain, connected (-c) and packing (-m) use.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as net from "node:net"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { startSimulator } from "../server/fixture.js"

/** A proxy to `port` that enforces a zero sender context on RegisterSession; records those frames. */
const strictProxy = (port: number) =>
  Effect.acquireRelease(
    Effect.async<{ port: number; registers: Array<string>; server: net.Server }>((resume) => {
      const registers: Array<string> = []
      const server = net.createServer((client) => {
        let head = Buffer.alloc(0)
        let upstream: net.Socket | undefined
        client.on("error", () => undefined)
        client.on("data", (chunk: Buffer) => {
          if (upstream !== undefined) { upstream.write(chunk); return }
          head = Buffer.concat([head, chunk])
          if (head.length < 28) return
          registers.push(head.subarray(0, 28).toString("hex"))
          if (head.readUInt16LE(0) === 0x65 && !head.subarray(12, 20).equals(Buffer.alloc(8))) {
            const refusal = Buffer.from(head.subarray(0, 28))
            refusal.writeUInt32LE(0x0001, 8) // ab_server: "invalid command" for a non-zero context
            client.end(refusal)
            return
          }
          upstream = net.connect({ host: "127.0.0.1", port })
          upstream.on("error", () => client.destroy())
          upstream.on("data", (d) => client.write(d))
          upstream.on("close", () => client.destroy())
          client.on("close", () => upstream?.destroy())
          upstream.write(head)
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ port: (server.address() as net.AddressInfo).port, registers, server })))
    }),
    (p) => Effect.sync(() => p.server.close())
  )

const ZERO_CONTEXT_REGISTER = "6500" + "0400" + "00000000" + "00000000" + "0000000000000000" + "00000000" + "0100" + "0000"

describe("RegisterSession", () => {
  for (const mode of ["plain", "connected (-c)", "packed (-m)"] as const) {
    it.scopedLive(`sends a zero sender context (${mode})`, () =>
      Effect.gen(function* () {
        const sim = yield* startSimulator({ tags: ["SCADA=INT[10]"] })
        const proxy = yield* strictProxy(sim.port)
        const client = yield* Client.connect({ host: "127.0.0.1", port: proxy.port, connected: mode === "connected (-c)", timeout: "3 seconds" })
        const ops = Either.getOrThrow(parseOperations(["SCADA[1]=7", "SCADA[0-2]"]))
        const done = yield* client.processAll(ops, { multiple: mode === "packed (-m)" })
        expect(done.failures).toBe(0)
        expect(done.transactions[1]!.values).toEqual([0, 7, 0])
        expect(proxy.registers).toEqual([ZERO_CONTEXT_REGISTER])
      }))
  }
})
