/**
 * Lock-step read/write load on many controllers, one raw EtherNet/IP session per controller (run
 * as a child process by fleet.ts):
 *   _fleetload.ts FIRST-IPV4 COUNT PORT SECONDS [TAG]
 * Controller i (at FIRST + i) gets one session that, for SECONDS, writes TAG[0] = a value unique to
 * (i, step) with Write Tag, then reads TAG[0] back and checks it is that value: a write that landed
 * on another controller, or was lost, is a mismatch. TAG is a DINT array. Prints one JSON line.
 */
import * as net from "node:net"
import { formatIpv4, parseIpv4 } from "../../src/server/addressRange.js"
import { frameCutter, readTagFrame, REGISTER, writeDintFrame } from "./_enip.js"

const [first = "127.0.1.1", countText = "1", portText = "44818", secondsText = "10", tag = "SCADA"] = process.argv.slice(2)
const count = Number(countText)
const port = Number(portText)
const seconds = Number(secondsText)
const base = parseIpv4(first)!

const SENTINEL = 0x5a7b3c1d
const SENTINEL_BYTES = (() => { const b = Buffer.alloc(4); b.writeInt32LE(SENTINEL); return b })()

interface Totals { ops: number; writes: number; errors: number; mismatches: number; latencies: Array<number>; last: Record<string, number> }

const runSession = (index: number, deadline: number, t: Totals): Promise<void> =>
  new Promise((resolve) => {
    const host = formatIpv4(base + index)
    const sock = net.connect({ host, port, noDelay: true })
    let session = 0
    let step = 0
    let expected = 0
    let phase: "register" | "write" | "read" = "register"
    let sent = 0n
    let done = false
    const finish = () => { if (!done) { done = true; sock.destroy(); resolve() } }
    // Built once per session; the write's value is patched in place (the last 4 bytes).
    let read: Buffer | undefined
    let write: Buffer | undefined
    let valueAt: number | undefined
    const next = () => {
      if (Date.now() >= deadline) return finish()
      sent = process.hrtime.bigint()
      if (phase !== "write") {
        phase = "write"
        expected = (index + 1) * 100_000 + (step++ % 100_000)
        write ??= writeDintFrame(session, tag, SENTINEL)
        valueAt ??= write.indexOf(SENTINEL_BYTES)
        write.writeInt32LE(expected, valueAt) // lock-step: the previous write has been answered
        sock.write(write)
      } else {
        phase = "read"
        read ??= readTagFrame(session, tag)
        sock.write(read)
      }
    }
    sock.on("connect", () => sock.write(REGISTER))
    sock.on("data", frameCutter((f) => {
      if (phase === "register") {
        session = f.readUInt32LE(4)
      } else {
        t.latencies.push(Number(process.hrtime.bigint() - sent) / 1000)
        t.ops++
        const ok = f.readUInt32LE(8) === 0 && f[42] === 0
        if (!ok) t.errors++
        else if (phase === "write") { t.writes++; t.last[host] = expected }
        else if (f.readInt32LE(46) !== expected) t.mismatches++
      }
      next()
    }))
    sock.on("error", () => { t.errors++; finish() })
    sock.on("close", finish)
    setTimeout(finish, deadline - Date.now() + 5000)
  })

const main = async () => {
  const t: Totals = { ops: 0, writes: 0, errors: 0, mismatches: 0, latencies: [], last: {} }
  const start = Date.now()
  const deadline = start + seconds * 1000
  await Promise.all(Array.from({ length: count }, (_, i) => runSession(i, deadline, t)))
  const elapsed = (Date.now() - start) / 1000
  const sorted = t.latencies.sort((a, b) => a - b)
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0)
  process.stdout.write(JSON.stringify({ ops: t.ops, writes: t.writes, errors: t.errors, mismatches: t.mismatches, elapsed, p50: pct(0.5), p99: pct(0.99), last: t.last }) + "\n")
}
void main()
