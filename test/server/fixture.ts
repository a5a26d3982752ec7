/**
 * Test fixture: start the simulator (SimulatorLive) on 127.0.0.1 port 0 inside the test's scope,
 * and raw clients as scoped resources, so every socket is closed when the test ends.
 */
import { Context, Effect, Layer, Logger, LogLevel } from "effect"
import type { SimulatorConfig } from "../../src/server/simulator.js"
import type { AttributeFactory } from "../../src/tags/attribute.js"
import { ConnectionRegistry, Controller, EnipServer, ServerControl, SimulatorLive, TagStore } from "../../src/server/simulator.js"
import { connect, hex, type RawClient, toHex } from "./raw.js"

export type SimConfig = Partial<SimulatorConfig> & Pick<SimulatorConfig, "tags">

/** The running simulator's services and port. */
export const startSimulator = (config: SimConfig, attributes?: Layer.Layer<AttributeFactory>) =>
  Effect.gen(function* () {
    const base = SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, ...config }).pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.Warning)))
    const ctx = yield* Layer.build(attributes === undefined ? base : Layer.provide(base, attributes))
    const server = Context.get(ctx, EnipServer)
    return {
      port: server.address.port,
      server,
      tags: Context.get(ctx, TagStore),
      control: Context.get(ctx, ServerControl),
      registry: Context.get(ctx, ConnectionRegistry),
      controller: Context.get(ctx, Controller)
    }
  })

/** A raw client, closed with the scope. */
export const rawClient = (port: number, host = "127.0.0.1") =>
  Effect.acquireRelease(Effect.promise(() => connect(port, host)), (c) => Effect.sync(() => c.close()))

/** Await a raw client's next frame (fails the test if none within `ms`). */
export const nextFrame = (c: RawClient, ms = 3000) => Effect.promise(() => c.frame(ms))
export const isClosed = (c: RawClient, ms = 3000) => Effect.promise(() => c.closed(ms))
export const isSilent = (c: RawClient, ms = 300) => Effect.promise(() => c.silent(ms))

/** RegisterSession; returns the session handle the server chose. */
export const register = (c: RawClient, ms = 3000) =>
  Effect.gen(function* () {
    c.send("65000400000000000000000000000000000000000000000001000000")
    const f = yield* nextFrame(c, ms)
    return Buffer.from(f).readUInt32LE(4)
  })

/** Put a session handle (LE) into bytes 4..8 of a frame given as hex. */
export const withSession = (frameHex: string, session: number): string => {
  const b = Buffer.from(frameHex, "hex")
  if (b.length >= 8) b.writeUInt32LE(session >>> 0, 4)
  return b.toString("hex")
}

export const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b.toString("hex") }
export const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b.toString("hex") }

/** A SendRRData frame carrying `cip` (hex) bare in an unconnected data item (a "simple" request). */
export const sendRR = (session: number, cip: string, context = "0000000000000000"): string => {
  const cpf = "00000000" + "0800" + "0200" + "00000000" + "b200" + u16(cip.length / 2) + cip
  return "6f00" + u16(cpf.length / 2) + u32(session) + "00000000" + context + "00000000" + cpf
}

/** The CIP reply carried in a SendRRData reply frame (hex), or undefined if it has none. */
export const cipOf = (frame: Uint8Array): string | undefined => {
  const b = Buffer.from(frame)
  if (b.length < 24 + 16) return undefined
  return b.subarray(24 + 16).toString("hex")
}

/** Encapsulation status of a reply frame. */
export const statusOf = (frame: Uint8Array): number => Buffer.from(frame).readUInt32LE(8)

/** Read Tag request (CIP hex) for a symbolic tag name with an optional element, `count` elements. */
export const readTagCip = (name: string, count = 1, element?: number): string => {
  const path = symbolPath(name, element)
  return "4c" + (path.length / 4).toString(16).padStart(2, "0") + path + u16(count)
}

/** Write Tag request (CIP hex): INT values. */
export const writeIntCip = (name: string, values: ReadonlyArray<number>, element?: number): string => {
  const path = symbolPath(name, element)
  const data = values.map((v) => { const b = Buffer.alloc(2); b.writeInt16LE(v); return b.toString("hex") }).join("")
  return "4d" + (path.length / 4).toString(16).padStart(2, "0") + path + "c300" + u16(values.length) + data
}

export const symbolPath = (name: string, element?: number): string => {
  let p = "91" + name.length.toString(16).padStart(2, "0") + Buffer.from(name, "latin1").toString("hex")
  if (name.length % 2 === 1) p += "00"
  if (element !== undefined) {
    p += element < 256 ? "28" + element.toString(16).padStart(2, "0")
      : element < 65536 ? "2900" + u16(element) : "2a00" + u32(element)
  }
  return p
}

export { hex, toHex }

/** Poll `check` every 10 ms until it holds or `ms` pass; returns whether it held. */
export const eventually = (check: () => boolean, ms = 3000) =>
  Effect.gen(function* () {
    const until = Date.now() + ms
    while (Date.now() < until) {
      if (check()) return true
      yield* Effect.sleep("10 millis")
    }
    return check()
  })
