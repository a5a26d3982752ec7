/**
 * A recording TCP proxy and a pcap writer, so Wireshark can check real exchanges: clients connect
 * to the proxy (on port 44818, where Wireshark decodes EtherNet/IP), which forwards to the
 * simulator and keeps every byte in each direction with its time. `writePcap` turns the flows
 * into IPv4/TCP packets (handshake, data segments with true sequence numbers, FINs) that
 * Wireshark reassembles as it would a live capture.
 */
import { writeFileSync } from "node:fs"
import * as net from "node:net"

interface Event {
  readonly us: bigint
  /** Bytes from the client (true) or the server; `undefined` data = that side closed. */
  readonly fromClient: boolean
  readonly data: Buffer | undefined
}

export interface Flow {
  readonly client: { readonly address: string; readonly port: number }
  readonly server: { readonly address: string; readonly port: number }
  readonly opened: bigint
  readonly events: Array<Event>
}

export interface Recorder {
  readonly flows: ReadonlyArray<Flow>
  /** Stop listening and close every proxied connection. */
  readonly close: () => Promise<void>
}

// Wall-clock start, then the monotonic clock: packet times never go backwards within a flow.
const T0 = BigInt(Date.now()) * 1000n
const H0 = process.hrtime.bigint()
const nowUs = (): bigint => T0 + (process.hrtime.bigint() - H0) / 1000n

/** Listen on `host:port` and forward each connection to `target`, recording both directions. */
export const startRecorder = (host: string, port: number, target: { host: string; port: number }): Promise<Recorder> =>
  new Promise((resolve, reject) => {
    const flows: Array<Flow> = []
    const sockets = new Set<net.Socket>()
    const server = net.createServer({ noDelay: true }, (client) => {
      const flow: Flow = {
        client: { address: client.remoteAddress ?? "127.0.0.1", port: client.remotePort ?? 0 },
        server: { address: host, port }, opened: nowUs(), events: []
      }
      flows.push(flow)
      const upstream = net.connect({ host: target.host, port: target.port, noDelay: true })
      sockets.add(client).add(upstream)
      // Record at the moment bytes arrive, so the order across directions is the wire's order.
      client.on("data", (d: Buffer) => { flow.events.push({ us: nowUs(), fromClient: true, data: Buffer.from(d) }); upstream.write(d) })
      upstream.on("data", (d: Buffer) => { flow.events.push({ us: nowUs(), fromClient: false, data: Buffer.from(d) }); client.write(d) })
      client.on("end", () => { flow.events.push({ us: nowUs(), fromClient: true, data: undefined }); upstream.end() })
      upstream.on("end", () => { flow.events.push({ us: nowUs(), fromClient: false, data: undefined }); client.end() })
      for (const s of [client, upstream]) {
        s.on("error", () => { client.destroy(); upstream.destroy() })
        s.on("close", () => { sockets.delete(s); (s === client ? upstream : client).destroy() })
      }
    })
    server.on("error", reject)
    server.listen(port, host, () => resolve({
      flows,
      close: () => new Promise<void>((done) => {
        for (const s of sockets) s.destroy()
        server.close(() => done())
      })
    }))
  })

// ---------------------------------------------------------------------------------------------
// pcap (LINKTYPE_RAW: each packet an IPv4 datagram)

const ipBytes = (a: string) => a.split(".").map(Number)

const checksum = (b: Buffer, start: number, end: number, initial = 0): number => {
  let sum = initial
  for (let i = start; i < end; i += 2) sum += (b[i]! << 8) + (i + 1 < end ? b[i + 1]! : 0)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}

const FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10

/** One IPv4/TCP packet with correct IP and TCP checksums. */
const tcpPacket = (
  src: { address: string; port: number }, dst: { address: string; port: number },
  seq: number, ack: number, flags: number, payload: Buffer, id: number
): Buffer => {
  const b = Buffer.alloc(40 + payload.length)
  b[0] = 0x45
  b.writeUInt16BE(b.length, 2)
  b.writeUInt16BE(id & 0xffff, 4)
  b.writeUInt16BE(0x4000, 6) // don't fragment
  b[8] = 64
  b[9] = 6
  b.set(ipBytes(src.address), 12)
  b.set(ipBytes(dst.address), 16)
  b.writeUInt16BE(checksum(b, 0, 20), 10)
  b.writeUInt16BE(src.port, 20)
  b.writeUInt16BE(dst.port, 22)
  b.writeUInt32BE(seq >>> 0, 24)
  b.writeUInt32BE(ack >>> 0, 28)
  b[32] = 5 << 4
  b[33] = flags
  b.writeUInt16BE(65535, 34)
  payload.copy(b, 40)
  // pseudo header: source, destination, zero + protocol, TCP length
  const s = ipBytes(src.address), d = ipBytes(dst.address)
  const pseudo = ((s[0]! << 8) + s[1]!) + ((s[2]! << 8) + s[3]!) + ((d[0]! << 8) + d[1]!) + ((d[2]! << 8) + d[3]!) + 6 + (b.length - 20)
  b.writeUInt16BE(checksum(b, 20, b.length, pseudo), 36)
  return b
}

/** Write the flows as a pcap file (packets in time order); returns the number of packets. */
export const writePcap = (path: string, flows: ReadonlyArray<Flow>): number => {
  const packets: Array<{ us: bigint; bytes: Buffer }> = []
  let id = 1
  flows.forEach((f, n) => {
    const c = f.client, s = f.server
    let cseq = 1000 + n * 100_000, sseq = 5_000_000 + n * 100_000
    const push = (us: bigint, fromClient: boolean, flags: number, payload: Buffer = Buffer.alloc(0)) => {
      const bytes = fromClient ? tcpPacket(c, s, cseq, sseq, flags, payload, id++) : tcpPacket(s, c, sseq, cseq, flags, payload, id++)
      packets.push({ us, bytes })
      const advance = payload.length + (flags & (SYN | FIN) ? 1 : 0)
      if (fromClient) cseq += advance; else sseq += advance
    }
    push(f.opened, true, SYN)
    packets.push({ us: f.opened, bytes: tcpPacket(s, c, sseq, cseq, SYN | ACK, Buffer.alloc(0), id++) })
    sseq += 1
    push(f.opened, true, ACK)
    for (const e of f.events) {
      if (e.data === undefined) { push(e.us, e.fromClient, FIN | ACK); continue }
      for (let at = 0; at < e.data.length; at += 32_768) push(e.us, e.fromClient, PSH | ACK, e.data.subarray(at, at + 32_768))
    }
  })
  packets.sort((a, b) => (a.us < b.us ? -1 : a.us > b.us ? 1 : 0))
  const header = Buffer.alloc(24)
  header.writeUInt32LE(0xa1b2c3d4, 0)
  header.writeUInt16LE(2, 4)
  header.writeUInt16LE(4, 6)
  header.writeUInt32LE(262_144, 16)
  header.writeUInt32LE(101, 20) // LINKTYPE_RAW
  const parts: Array<Buffer> = [header]
  for (const p of packets) {
    const h = Buffer.alloc(16)
    h.writeUInt32LE(Number(p.us / 1_000_000n), 0)
    h.writeUInt32LE(Number(p.us % 1_000_000n), 4)
    h.writeUInt32LE(p.bytes.length, 8)
    h.writeUInt32LE(p.bytes.length, 12)
    parts.push(h, p.bytes)
  }
  writeFileSync(path, Buffer.concat(parts))
  return packets.length
}
