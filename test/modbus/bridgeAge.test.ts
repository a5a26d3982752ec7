/**
 * README, the bridge: "a value older than two periods" gives CIP 0x01/[0x0204], like a down device.
 * A device that answers the first polls and then goes silent (the connection kept, the request
 * timeout far away) leaves the bridge's last values in place; with `Date` faked, the test moves
 * the time past them: at two poll periods they are still served, a millisecond later refused.
 */
import { Context, Effect, Either, Exit, Layer, Logger, LogLevel, Scope } from "effect"
import * as net from "node:net"
import { afterEach, describe, expect, it, vi } from "vitest"
import { elementOf } from "../../src/tags/spec.js"
import { modbusBridgeLayer, parseBridgeSpec } from "../../src/modbus/bridge.js"
import { AttributeFactory } from "../../src/tags/attribute.js"

/** A Modbus/TCP device answering function 3 with 1234, 1235, … in the registers asked for while `answering`. */
const silentDevice = async () => {
  const state = { answering: true, requests: 0 }
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
    s.on("data", (b: Buffer) => {
      for (let at = 0; at + 12 <= b.length; at += 12) {
        state.requests++
        if (!state.answering || b[at + 7] !== 3) continue
        const qty = b.readUInt16BE(at + 10)
        const reply = Buffer.alloc(9 + 2 * qty)
        b.copy(reply, 0, at, at + 4) // transaction and protocol ids
        reply.writeUInt16BE(3 + 2 * qty, 4)
        reply[6] = b[at + 6]!
        reply[7] = 3
        reply[8] = 2 * qty
        for (let i = 0; i < qty; i++) reply.writeUInt16BE(1234 + i, 9 + 2 * i)
        s.write(reply)
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  return { port: (server.address() as net.AddressInfo).port, state, close: () => { for (const s of sockets) s.destroy(); server.close() } }
}

afterEach(() => { vi.useRealTimers() })

/**
 * Each step of a case, bounded: on loopback each takes milliseconds, so 5 s (real time: only
 * `Date` is faked) is reached only by a hang, which then fails the test with the step's name
 * instead of waiting out the test's timeout.
 */
const bounded = <A, E>(step: string, e: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(Effect.timeoutFail(e, { duration: "5 seconds", onTimeout: () => new Error(`${step} did not finish within 5 s`) }))

/**
 * Bridge `text` at `rate` (no word order given: the default), read its first value, silence the
 * device, and read again at `limit` ms and `limit` + 1 ms after the first value.
 */
const ageCase = async (text: string, rate: number, value: number, limit: number) => {
  const device = await silentDevice()
  const T0 = Date.UTC(2026, 0, 1)
  vi.useFakeTimers({ toFake: ["Date"], now: T0 }) // Date.now() stands still unless the test moves it
  const scope = Effect.runSync(Scope.make())
  try {
    const bridged = Either.getOrThrow(parseBridgeSpec(text))
    const layer = modbusBridgeLayer({ host: "127.0.0.1", port: device.port, rate, timeout: 60_000 }, [bridged]).pipe(
      Layer.provide(Logger.minimumLogLevel(LogLevel.None)))
    const ctx = await bounded("starting the bridge", Scope.extend(Layer.build(layer), scope))
    const attribute = await bounded("making its Attribute", Context.get(ctx, AttributeFactory).make(bridged.spec, elementOf(bridged.spec)!, 1))
    const read = () => bounded("a read", Effect.either(attribute.read(0, 1)))
    let first = await read()
    for (let i = 0; i < 100 && Either.isLeft(first); i++) { await new Promise((r) => setTimeout(r, 50)); first = await read() }
    expect(first).toEqual(Either.right([value]))
    device.state.answering = false // the next poll goes unanswered; its timeout is a minute away
    const asked = device.state.requests
    for (let i = 0; i < 60 && device.state.requests === asked; i++) await new Promise((r) => setTimeout(r, 50))
    expect(device.state.requests).toBe(asked + 1)
    vi.setSystemTime(T0 + limit)
    expect(await read()).toEqual(Either.right([value]))
    vi.setSystemTime(T0 + limit + 1)
    const late = await read()
    expect(Either.isLeft(late) && { status: late.left.status, ext: late.left.extStatus }).toEqual({ status: 0x01, ext: [0x0204] })
  } finally {
    vi.useRealTimers()
    await bounded("closing the bridge", Scope.close(scope, Exit.void))
    device.close()
  }
}

describe("bridge: a value older than two poll periods", () => {
  it("rate 1 s: a value 2,000 ms old is served, 2,001 ms old is 0x01/[0x0204]", () => ageCase("Level@40001=INT", 1, 1234, 2000), 30_000)
  it("rate 0.5 s: 1,000 ms, not 1,001; a DINT's first register is its high word by default", () =>
    ageCase("Total@40001=DINT", 0.5, 1234 * 65536 + 1235, 1000), 30_000)
})
