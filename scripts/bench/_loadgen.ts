/**
 * Raw-socket EtherNet/IP load generator (run as a child process by server.ts and soak tests):
 *   _loadgen.ts HOST PORT SESSIONS INFLIGHT SECONDS [TAG]
 * Each session registers, then keeps INFLIGHT Read Tag requests (SendRRData / Unconnected Send /
 * Read Tag TAG[0]) outstanding for SECONDS. Prints one JSON line: requests, errors, latencies.
 */
import * as net from "node:net"

const [host = "127.0.0.1", portText = "44818", sessionsText = "1", inflightText = "1", secondsText = "3", tag = "SCADA"] = process.argv.slice(2)
const port = Number(portText)
const sessions = Number(sessionsText)
const inflight = Number(inflightText)
const seconds = Number(secondsText)

const register = Buffer.from("65000400000000000000000000000000000000000000000001000000", "hex")

/** SendRRData + Unconnected Send (route 1/0) + Read Tag TAG[0], 1 element. */
const readRequest = (session: number): Buffer => {
  const name = Buffer.from(tag, "latin1")
  const sym = Buffer.concat([Buffer.from([0x91, name.length]), name, name.length % 2 ? Buffer.from([0]) : Buffer.alloc(0)])
  const path = Buffer.concat([sym, Buffer.from([0x28, 0x00])])
  const mr = Buffer.concat([Buffer.from([0x4c, path.length / 2]), path, Buffer.from([1, 0])])
  const us = Buffer.concat([
    Buffer.from([0x52, 0x02, 0x20, 0x06, 0x24, 0x01, 0x05, 0x9d]),
    Buffer.from([mr.length & 0xff, mr.length >> 8]),
    mr,
    mr.length % 2 ? Buffer.from([0]) : Buffer.alloc(0),
    Buffer.from([0x01, 0x00, 0x01, 0x00])
  ])
  const cpf = Buffer.concat([Buffer.from([0, 0, 0, 0, 8, 0, 2, 0, 0, 0, 0, 0, 0xb2, 0, us.length & 0xff, us.length >> 8]), us])
  const h = Buffer.alloc(24)
  h.writeUInt16LE(0x6f, 0)
  h.writeUInt16LE(cpf.length, 2)
  h.writeUInt32LE(session, 4)
  return Buffer.concat([h, cpf])
}

interface Stats { requests: number; errors: number; latencies: Array<number> }

const runSession = (deadline: number, stats: Stats): Promise<void> =>
  new Promise((resolve) => {
    const sock = net.connect({ host, port, noDelay: true })
    let buf = Buffer.alloc(0)
    let request: Buffer | undefined
    const sent: Array<bigint> = []
    let outstanding = 0
    let done = false
    const finish = () => { if (!done) { done = true; sock.destroy(); resolve() } }
    const fire = () => {
      while (request !== undefined && outstanding < inflight && Date.now() < deadline) {
        sent.push(process.hrtime.bigint())
        outstanding++
        sock.write(request)
      }
      if (outstanding === 0) finish()
    }
    sock.on("connect", () => sock.write(register))
    sock.on("data", (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk
      while (buf.length >= 24) {
        const len = 24 + buf.readUInt16LE(2)
        if (buf.length < len) break
        const frame = buf.subarray(0, len)
        buf = buf.subarray(len)
        if (request === undefined) {
          request = readRequest(frame.readUInt32LE(4))
          continue
        }
        const t0 = sent.shift()
        outstanding--
        if (t0 !== undefined) stats.latencies.push(Number(process.hrtime.bigint() - t0) / 1000)
        // Reply status: the CIP general status at offset 24+16+2 (after CPF header + service, reserved).
        if (frame.readUInt32LE(8) !== 0 || frame[24 + 16 + 2] !== 0) stats.errors++
        else stats.requests++
      }
      fire()
    })
    sock.on("error", () => { stats.errors++; finish() })
    sock.on("close", finish)
    // First fire once registered.
    const kick = setInterval(() => { if (request !== undefined) { clearInterval(kick); fire() } }, 1)
    setTimeout(() => { clearInterval(kick); finish() }, (deadline - Date.now()) + 2000)
  })

const main = async () => {
  const stats: Stats = { requests: 0, errors: 0, latencies: [] }
  const start = Date.now()
  const deadline = start + seconds * 1000
  await Promise.all(Array.from({ length: sessions }, () => runSession(deadline, stats)))
  const elapsed = (Date.now() - start) / 1000
  const sorted = stats.latencies.sort((a, b) => a - b)
  const pct = (p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0
  process.stdout.write(JSON.stringify({ requests: stats.requests, errors: stats.errors, elapsed, p50: pct(0.5), p99: pct(0.99), p999: pct(0.999), max: sorted[sorted.length - 1] ?? 0 }) + "\n")
}
void main()
