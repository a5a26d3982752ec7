/**
 * A raw EtherNet/IP test client: a TCP socket on loopback that sends bytes and collects whole
 * reply frames, with time limits. Used to check bytes on the wire against the server.
 */
import { Either } from "effect"
import * as net from "node:net"
import { makeFramer } from "../../src/enip/framer.js"

export interface RawClient {
  readonly socket: net.Socket
  send(bytes: Uint8Array | string): void
  /** The next whole frame, or an error after `ms`. */
  frame(ms?: number): Promise<Uint8Array>
  /** Resolves true if the server closes the connection within `ms`. */
  closed(ms?: number): Promise<boolean>
  /** Resolves true if no frame arrives within `ms`. */
  silent(ms?: number): Promise<boolean>
  close(): void
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"))
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex")

export const connect = (port: number, host = "127.0.0.1", ms = 3000): Promise<RawClient> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ port, host, noDelay: true })
    const framer = makeFramer(1 << 20)
    const frames: Array<Uint8Array> = []
    const waiters: Array<(f: Uint8Array) => void> = []
    let ended = false
    const endWaiters: Array<() => void> = []
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`connect to ${host}:${port} timed out`)) }, ms)
    socket.on("data", (chunk) => {
      const r = framer.push(chunk)
      if (Either.isLeft(r)) { socket.destroy(); return }
      for (const f of r.right) {
        const copy = Uint8Array.from(f)
        const w = waiters.shift()
        if (w) w(copy)
        else frames.push(copy)
      }
    })
    const onEnd = () => { ended = true; for (const w of endWaiters.splice(0)) w() }
    socket.on("close", onEnd)
    socket.on("end", onEnd)
    // node clears `connecting` before emitting a connect failure, so track the connection here.
    let connected = false
    socket.on("error", (e) => { clearTimeout(timer); if (connected) onEnd(); else reject(e) })
    socket.on("connect", () => {
      connected = true
      clearTimeout(timer)
      resolve({
        socket,
        send: (bytes) => { socket.write(typeof bytes === "string" ? hex(bytes) : bytes) },
        frame: (limit = 3000) =>
          new Promise<Uint8Array>((res, rej) => {
            const f = frames.shift()
            if (f) return res(f)
            const t = setTimeout(() => { const i = waiters.indexOf(w); if (i >= 0) waiters.splice(i, 1); rej(new Error(`no reply within ${limit} ms`)) }, limit)
            const w = (x: Uint8Array) => { clearTimeout(t); res(x) }
            waiters.push(w)
          }),
        closed: (limit = 3000) =>
          new Promise<boolean>((res) => {
            if (ended) return res(true)
            const t = setTimeout(() => res(false), limit)
            endWaiters.push(() => { clearTimeout(t); res(true) })
          }),
        silent: (limit = 300) =>
          new Promise<boolean>((res) => {
            if (frames.length > 0) return res(false)
            const t = setTimeout(() => { const i = waiters.indexOf(w); if (i >= 0) waiters.splice(i, 1); res(true) }, limit)
            const w = (x: Uint8Array) => { clearTimeout(t); frames.unshift(x); res(false) }
            waiters.push(w)
          }),
        close: () => { socket.destroy() }
      })
    })
  })
