/**
 * Raw-socket Modbus/TCP load generator (a child process of scripts/bench/modbus.ts):
 *   _modbusload.ts HOST PORT CONNECTIONS INFLIGHT SECONDS [QUANTITY]
 * Each connection keeps INFLIGHT Read Holding Registers (address 0, QUANTITY registers, default
 * 10) outstanding for SECONDS. Prints one JSON line: requests, errors (exceptions or wrong
 * replies), elapsed, p50/p99 latency µs.
 */
import * as net from "node:net"

const [host = "127.0.0.1", portText = "502", connsText = "1", inflightText = "1", secondsText = "3", qtyText = "10"] = process.argv.slice(2)
const port = Number(portText)
const conns = Number(connsText)
const inflight = Number(inflightText)
const seconds = Number(secondsText)
const quantity = Number(qtyText)

interface Stats { requests: number; errors: number; latencies: Array<number> }

const request = (tid: number) => {
  const b = Buffer.alloc(12)
  b.writeUInt16BE(tid, 0); b.writeUInt16BE(6, 4); b[6] = 1; b[7] = 3; b.writeUInt16BE(0, 8); b.writeUInt16BE(quantity, 10)
  return b
}

const runConnection = (deadline: number, stats: Stats): Promise<void> =>
  new Promise((resolve) => {
    const sock = net.connect({ host, port, noDelay: true })
    let buf = Buffer.alloc(0)
    const sent = new Map<number, bigint>()
    let tid = 0
    let done = false
    const finish = () => { if (!done) { done = true; sock.destroy(); resolve() } }
    const fire = () => {
      while (sent.size < inflight && Date.now() < deadline) {
        tid = (tid + 1) & 0xffff
        sent.set(tid, process.hrtime.bigint())
        sock.write(request(tid))
      }
      if (sent.size === 0) finish()
    }
    sock.on("connect", fire)
    sock.on("data", (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk
      while (buf.length >= 6) {
        const len = 6 + buf.readUInt16BE(4)
        if (buf.length < len) break
        const frame = buf.subarray(0, len)
        buf = buf.subarray(len)
        const t0 = sent.get(frame.readUInt16BE(0))
        if (t0 === undefined) { stats.errors++; continue }
        sent.delete(frame.readUInt16BE(0))
        stats.latencies.push(Number(process.hrtime.bigint() - t0) / 1000)
        if (frame[7] !== 3 || frame[8] !== quantity * 2) stats.errors++
        else stats.requests++
      }
      fire()
    })
    sock.on("error", () => { stats.errors++; finish() })
    sock.on("close", finish)
    setTimeout(finish, deadline - Date.now() + 2000)
  })

const main = async () => {
  const stats: Stats = { requests: 0, errors: 0, latencies: [] }
  const start = Date.now()
  await Promise.all(Array.from({ length: conns }, () => runConnection(start + seconds * 1000, stats)))
  const elapsed = (Date.now() - start) / 1000
  const sorted = stats.latencies.sort((a, b) => a - b)
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0)
  process.stdout.write(JSON.stringify({ requests: stats.requests, errors: stats.errors, elapsed, p50: pct(0.5), p99: pct(0.99) }) + "\n")
}
void main()
