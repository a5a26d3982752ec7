/**
 * Reading an accepted socket through node's `onread` (src/server/readBuffer.ts): nothing is read
 * before `resume()`, each chunk is a Buffer of its own (the shared read buffer is reused by the
 * next read, the chunks kept earlier stay intact), the reply path works on the new socket, and a
 * socket without a handle to take falls back to its 'data' events, paused.
 */
import { describe, expect, it } from "@effect/vitest"
import * as net from "node:net"
import { PassThrough } from "node:stream"
import { adoptSocket } from "../../src/server/readBuffer.js"

const until = async (ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10))
}

/** A pauseOnConnect server whose accepted sockets are adopted; a client connected to it. */
const pair = async () => {
  const chunks: Array<Buffer> = []
  const adopted: Array<{ accepted: net.Socket; socket: net.Socket }> = []
  const server = net.createServer({ pauseOnConnect: true }, (accepted) => {
    adopted.push({ accepted, socket: adoptSocket(accepted, (c) => { chunks.push(c) }) })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1")
  await new Promise<void>((r) => client.once("connect", r))
  await until(() => adopted.length > 0)
  const close = async () => {
    client.destroy()
    for (const a of adopted) a.socket.destroy()
    await new Promise<void>((r) => server.close(() => r()))
  }
  return { chunks, adopted: adopted[0]!, client, close }
}

describe("adoptSocket", () => {
  it("reads nothing before resume, then each chunk as a Buffer of its own", async () => {
    const { chunks, adopted, client, close } = await pair()
    try {
      const { accepted, socket } = adopted
      expect(socket).not.toBe(accepted)
      expect(accepted.destroyed).toBe(true)
      expect(socket.remotePort).toBe(client.localPort)
      client.write("first")
      // The client's bytes are in the kernel's buffer; a round trip through the client proves
      // time has passed for a read to happen, were the socket reading.
      await new Promise((r) => setTimeout(r, 50))
      expect(chunks).toEqual([])
      socket.resume()
      await until(() => Buffer.concat(chunks).toString() === "first")
      expect(Buffer.concat(chunks).toString()).toBe("first")
      const kept = chunks.slice()
      client.write("SECOND")
      await until(() => Buffer.concat(chunks).toString() === "firstSECOND")
      expect(Buffer.concat(kept).toString()).toBe("first") // not overwritten by the next read
      expect(chunks.every((c) => Buffer.isBuffer(c))).toBe(true)
      const big = Buffer.alloc(200_000, 0x41)
      client.write(big)
      await until(() => Buffer.concat(chunks).length === 11 + big.length)
      expect(Buffer.concat(chunks).subarray(11).equals(big)).toBe(true)
      // Replies leave through the adopted socket.
      const got: Array<Buffer> = []
      client.on("data", (d) => got.push(d))
      socket.write("reply")
      await until(() => Buffer.concat(got).toString() === "reply")
      expect(Buffer.concat(got).toString()).toBe("reply")
    } finally {
      await close()
    }
  })

  it("a socket with no handle to take keeps its own 'data' events, paused until resumed", () => {
    const chunks: Array<Buffer> = []
    const loose = new net.Socket()
    const socket = adoptSocket(loose, (c) => { chunks.push(c) })
    expect(socket).toBe(loose)
    expect(socket.isPaused()).toBe(true)
    socket.emit("data", Buffer.from("x"))
    expect(chunks.map((c) => c.toString())).toEqual(["x"])
    socket.destroy()
  })

  it("another socket implementation (no handle at all) is used as it is, through its 'data' events", async () => {
    const chunks: Array<Buffer> = []
    const other = new PassThrough()
    const socket = adoptSocket(other as unknown as net.Socket, (c) => { chunks.push(c) })
    expect(socket).toBe(other)
    expect(other.destroyed).toBe(false)
    other.write("y")
    socket.resume()
    await until(() => chunks.length > 0)
    expect(chunks.map((c) => c.toString())).toEqual(["y"])
  })
})
