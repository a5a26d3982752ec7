/**
 * A raw loopback EtherNet/IP connection for fuzzing and soak: send bytes, await the next whole
 * frame, the close, or silence — each with a time limit, never hanging.
 */
import { Either } from "effect"
import * as net from "node:net"
import { makeFramer } from "../../src/enip/framer.js"

export type Outcome = { readonly _tag: "Frame"; readonly frame: Uint8Array } | { readonly _tag: "Closed" } | { readonly _tag: "Silent" }

export interface Conn {
  readonly socket: net.Socket
  send(bytes: Uint8Array): void
  /** The next frame, or Closed, or Silent after `ms`. */
  next(ms: number): Promise<Outcome>
  readonly closed: boolean
  destroy(): void
}

/** Connect; `localAddress` picks the source address (any 127.x.y.z on loopback: another "peer"). */
export const connect = (port: number, host = "127.0.0.1", ms = 3000, localAddress?: string): Promise<Conn> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ port, host, noDelay: true, ...(localAddress !== undefined ? { localAddress } : {}) })
    const framer = makeFramer(1 << 17)
    const frames: Array<Uint8Array> = []
    let waiter: ((o: Outcome) => void) | undefined
    let closed = false
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`connect ${host}:${port} timed out`)) }, ms)
    const wake = (o: Outcome) => { const w = waiter; waiter = undefined; w?.(o) }
    socket.on("data", (chunk) => {
      const r = framer.push(chunk)
      if (Either.isLeft(r)) { socket.destroy(); return }
      for (const f of r.right) {
        const copy = Uint8Array.from(f)
        if (waiter) wake({ _tag: "Frame", frame: copy })
        else frames.push(copy)
      }
    })
    const onClose = () => { closed = true; if (frames.length === 0) wake({ _tag: "Closed" }) }
    socket.on("close", onClose)
    socket.on("end", onClose)
    let connected = false
    socket.on("error", (e) => { clearTimeout(timer); if (connected) onClose(); else reject(e) })
    socket.on("connect", () => {
      connected = true
      clearTimeout(timer)
      resolve({
        socket,
        send: (b) => { if (!closed && !socket.destroyed) socket.write(b) },
        next: (limit) => new Promise<Outcome>((res) => {
          const f = frames.shift()
          if (f) return res({ _tag: "Frame", frame: f })
          if (closed) return res({ _tag: "Closed" })
          const t = setTimeout(() => { waiter = undefined; res({ _tag: "Silent" }) }, limit)
          waiter = (o) => { clearTimeout(t); res(o) }
        }),
        get closed() { return closed },
        destroy: () => { closed = true; socket.destroy() }
      })
    })
  })

/** Encapsulation status (bytes 8..12) of a frame. */
export const encapStatus = (f: Uint8Array): number => Buffer.from(f.buffer, f.byteOffset, f.byteLength).readUInt32LE(8)
/** Session handle (bytes 4..8) of a frame. */
export const sessionOf = (f: Uint8Array): number => Buffer.from(f.buffer, f.byteOffset, f.byteLength).readUInt32LE(4)
