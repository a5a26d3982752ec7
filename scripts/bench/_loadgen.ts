/**
 * Raw-socket EtherNet/IP load generator (run as a child process by server.ts and soak tests):
 *   _loadgen.ts HOST PORT SESSIONS INFLIGHT SECONDS [TAG]
 * Each session registers, then keeps INFLIGHT Read Tag requests (SendRRData / Unconnected Send /
 * Read Tag TAG[0]) outstanding for SECONDS. Prints one JSON line: requests, errors, latencies.
 */
import * as net from "node:net"
import { frameCutter, readTagFrame, REGISTER } from "./_enip.js"

const [host = "127.0.0.1", portText = "44818", sessionsText = "1", inflightText = "1", secondsText = "3", tag = "SCADA"] = process.argv.slice(2)
const port = Number(portText)
const sessions = Number(sessionsText)
const inflight = Number(inflightText)
const seconds = Number(secondsText)

interface Stats { requests: number; errors: number; latencies: Array<number> }

const runSession = (deadline: number, stats: Stats): Promise<void> =>
  new Promise((resolve) => {
    const sock = net.connect({ host, port, noDelay: true })
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
    sock.on("connect", () => sock.write(REGISTER))
    const cut = frameCutter((frame) => {
      if (request === undefined) {
        request = readTagFrame(frame.readUInt32LE(4), tag)
        return
      }
      const t0 = sent.shift()
      outstanding--
      if (t0 !== undefined) stats.latencies.push(Number(process.hrtime.bigint() - t0) / 1000)
      // Reply status: the CIP general status at offset 24+16+2 (after CPF header + service, reserved).
      if (frame.readUInt32LE(8) !== 0 || frame[24 + 16 + 2] !== 0) stats.errors++
      else stats.requests++
    })
    sock.on("data", (chunk) => {
      cut(chunk)
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
  process.stdout.write(JSON.stringify({ requests: stats.requests, errors: stats.errors, elapsed, p50: pct(0.5), p99: pct(0.99) }) + "\n")
}
void main()
