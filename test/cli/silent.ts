/**
 * Test helper: a TCP listener on 127.0.0.1:0 that never answers a request, and counts them (how
 * many a client had in flight, whether it asked again after a timeout). Frames are cut by
 * `frameLength` (undefined: not whole yet); `answer` may reply to some (EtherNet/IP's
 * RegisterSession), and those are not counted.
 */
import * as net from "node:net"

export interface Silent {
  readonly port: number
  readonly address: string
  /** Requests received and not answered. */
  readonly requests: () => number
  /** The most requests received on one connection (how many a client had in flight on it). */
  readonly mostOnOneConnection: () => number
  readonly close: () => void
}

export const silentListener = (
  frameLength: (buf: Buffer) => number | undefined,
  answer: (frame: Buffer, socket: net.Socket) => boolean = () => false
): Promise<Silent> =>
  new Promise((resolve) => {
    let n = 0
    let most = 0
    const sockets = new Set<net.Socket>()
    const srv = net.createServer((socket) => {
      sockets.add(socket)
      let buf = Buffer.alloc(0)
      let here = 0
      socket.on("error", () => {})
      socket.on("data", (chunk) => {
        buf = Buffer.concat([buf, chunk])
        for (let len = frameLength(buf); len !== undefined && buf.length >= len; len = frameLength(buf)) {
          const frame = Buffer.from(buf.subarray(0, len))
          buf = buf.subarray(len)
          if (!answer(frame, socket)) { n++; most = Math.max(most, ++here) }
        }
      })
    })
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port
      resolve({ port, address: `127.0.0.1:${port}`, requests: () => n, mostOnOneConnection: () => most, close: () => { for (const s of sockets) s.destroy(); srv.close() } })
    })
  })

/** EtherNet/IP: 24-byte header + its length; RegisterSession is answered (handle 0x1234), nothing else. */
export const silentEnip = () =>
  silentListener((b) => (b.length >= 24 ? 24 + b.readUInt16LE(2) : undefined), (frame, socket) => {
    if (frame.readUInt16LE(0) !== 0x65) return false
    frame.writeUInt32LE(0x1234, 4)
    socket.write(frame)
    return true
  })

/** Modbus/TCP: MBAP header (6 bytes) + its length field; nothing is answered. */
export const silentModbus = () => silentListener((b) => (b.length >= 6 ? 6 + b.readUInt16BE(4) : undefined))

/** Any bytes: every chunk counts as a request (a device that reads and never answers). */
export const silentBytes = () => silentListener((b) => (b.length > 0 ? b.length : undefined))
