/**
 * Modbus benchmark and library comparison (`npm run bench -- modbus [--seconds 3] [--quick]`):
 *
 * 1. Servers, each in a child process, loaded by a raw-socket generator in another child
 *    (_modbusload.ts, Read Holding Registers of 10): ours (`cpppo modbus server`), Debian's
 *    pymodbus server (the baseline), and the npm libraries' own servers (jsmodbus,
 *    modbus-serial). Requests/s, p50/p99 latency and the server's CPU µs per request (from
 *    /proc), at 1 and 8 requests in flight on one connection. Targets: ours ≥ 20,000 req/s on
 *    one core (the server process is single-threaded) and ≥ 10× pymodbus.
 * 2. Fault cases: bad requests sent to each server; each must get the exception a PLC sends (or
 *    a close, for a broken MBAP), and the server must go on serving.
 * 3. The poller: registers/s polled from one device, and from 100 devices in one process (100
 *    pollers here, 100 devices in one child).
 */
import { spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import * as net from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { cpuTicks, TICK_US } from "./_cpu.js"
import { Effect, Logger, LogLevel } from "effect"
import { makeModbusPoller } from "../../src/modbus/poller.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const args = process.argv.slice(2)
const seconds = Number(args[args.indexOf("--seconds") + 1] ?? 3) || 3
const quick = args.includes("--quick")
const PYTHON = "/usr/bin/python3"


const startChild = (cmd: string, argv: Array<string>): Promise<{ child: ChildProcess; ports: Array<number> }> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    const t = setTimeout(() => { child.kill(); reject(new Error(`${argv.join(" ")} did not start`)) }, 30000)
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const m = /^[^\n]*:([\d,]+)\n/.exec(out)
      if (m) { clearTimeout(t); resolve({ child, ports: m[1]!.split(",").map(Number) }) }
    })
    child.on("exit", (code) => { clearTimeout(t); reject(new Error(`${argv.join(" ")} exited ${code}`)) })
  })

interface Load { requests: number; errors: number; elapsed: number; p50: number; p99: number }
const loadgen = (port: number, inflight: number, secs: number, conns = 1): Promise<Load> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "_modbusload.ts"), "127.0.0.1", String(port), String(conns), String(inflight), String(secs)], { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (d: Buffer) => { out += d.toString() })
    child.on("exit", () => { try { resolve(JSON.parse(out) as Load) } catch (e) { reject(e) } })
  })

// --- fault cases ---------------------------------------------------------------------------------

const adu = (pduHex: string, protocol = 0, lengthOverride?: number) => {
  const pdu = Buffer.from(pduHex, "hex")
  const h = Buffer.alloc(7)
  h.writeUInt16BE(0x0101, 0); h.writeUInt16BE(protocol, 2); h.writeUInt16BE(lengthOverride ?? pdu.length + 1, 4); h[6] = 1
  return Buffer.concat([h, pdu])
}
const FAULTS: Array<{ name: string; bytes: Buffer; want: string }> = [
  { name: "quantity 0", bytes: adu("0300000000"), want: "8303" },
  { name: "126 registers (limit 125)", bytes: adu("030000007e"), want: "8303" },
  { name: "2001 coils (limit 2000)", bytes: adu("01000007d1"), want: "8103" },
  { name: "unknown function 0x07", bytes: adu("07"), want: "8701" },
  { name: "address not served", bytes: adu("0300c80001"), want: "8302" },
  { name: "range runs past the served ones", bytes: adu("03007c0002"), want: "8302" },
  { name: "PDU one byte short", bytes: adu("03000000"), want: "8303" },
  { name: "coil value 0x1234", bytes: adu("0500001234"), want: "8503" },
  { name: "MBAP length 1 (no PDU)", bytes: adu("", 0, 1), want: "close" },
  { name: "MBAP length 300 (> 254)", bytes: Buffer.concat([adu("0300000001", 0, 300), Buffer.alloc(300)]), want: "close" },
  { name: "protocol id 1", bytes: adu("0300000001", 1), want: "close" }
]

/** Send one fault on a fresh connection: the reply's PDU (hex), "close", or "silent". */
const probe = (port: number, bytes: Buffer): Promise<string> =>
  new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port, noDelay: true })
    let buf = Buffer.alloc(0)
    const done = (r: string) => { clearTimeout(t); s.destroy(); resolve(r) }
    const t = setTimeout(() => done("silent"), 1000)
    s.on("connect", () => s.write(bytes))
    s.on("data", (c) => {
      buf = Buffer.concat([buf, c])
      if (buf.length >= 6 && buf.length >= 6 + buf.readUInt16BE(4)) done(buf.subarray(7, 6 + buf.readUInt16BE(4)).toString("hex"))
    })
    s.on("close", () => done("close"))
    s.on("error", () => done("close"))
  })

// --- poller --------------------------------------------------------------------------------------

const pollRate = (ports: ReadonlyArray<number>, range: string, depth: number, secs: number) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function* () {
    const pollers = yield* Effect.forEach(ports, (port) => makeModbusPoller({ host: "127.0.0.1", port, rate: 0.001, depth, timeout: 5000 }))
    for (const p of pollers) yield* p.poll(range)
    yield* Effect.sleep(500) // connect, warm up
    const before = yield* Effect.forEach(pollers, (p) => p.summary)
    yield* Effect.sleep(secs * 1000)
    const after = yield* Effect.forEach(pollers, (p) => p.summary)
    const registers = after.reduce((n, s, i) => n + s.registers - before[i]!.registers, 0)
    const requests = after.reduce((n, s, i) => n + s.requests - before[i]!.requests, 0)
    const errors = after.reduce((n, s, i) => n + s.errors - before[i]!.errors, 0)
    return { registersPerSecond: registers / secs, requestsPerSecond: requests / secs, errors }
  })).pipe(Effect.provide(Logger.minimumLogLevel(LogLevel.Error))))

// --- main ----------------------------------------------------------------------------------------

const main = async () => {
  const entry = existsSync(join(root, "dist", "cli", "bin.js")) && !args.includes("--tsx") ? ["dist/cli/bin.js"] : ["--import", "tsx", "src/cli/bin.ts"]
  const servers: Array<{ name: string; child: ChildProcess; port: number }> = []
  const add = async (name: string, cmd: string, argv: Array<string>) => {
    try {
      const s = await startChild(cmd, argv)
      servers.push({ name, child: s.child, port: s.ports[0]! })
    } catch (e) {
      console.log(`(${name} skipped: ${(e as Error).message})`)
    }
  }
  // Every server serves holding and input registers 0..124 and coils and inputs 0..15.
  await add("cpppo (ours)", process.execPath, [...entry, "modbus", "server", "-a", "127.0.0.1:0", "-A", "40001-40125=1", "30001-30125=0", "1-16=0", "10001-10016=0"])
  if (existsSync(PYTHON)) await add("pymodbus 3.0 (Debian)", PYTHON, [join(root, "test", "modbus", "pymodbus", "server.py"), "127.0.0.1", "0", "125", "16"])
  await add("jsmodbus 5.0.0", process.execPath, ["--import", "tsx", join(here, "_modbuslibs.ts"), "jsmodbus"])
  await add("modbus-serial 8.0.25", process.execPath, ["--import", "tsx", join(here, "_modbuslibs.ts"), "modbus-serial"])

  console.log(`Modbus server benchmark: ${seconds}s per run, Read Holding Registers ×10 on one connection, loopback, ${process.version}`)
  console.log("server                   conns×in flight     req/s    p50 µs    p99 µs  CPU µs/req  errors")
  const results = new Map<string, Map<string, Load & { cpu: number }>>()
  const configs: Array<[number, number]> = quick ? [[1, 1], [1, 8]] : [[1, 1], [1, 8], [8, 8]]
  for (const s of servers) {
    await loadgen(s.port, 4, 1) // warm-up
    const per = new Map<string, Load & { cpu: number }>()
    for (const [conns, inflight] of configs) {
      const t0 = cpuTicks(s.child.pid!)
      const r = await loadgen(s.port, inflight, seconds, conns)
      const cpu = ((cpuTicks(s.child.pid!) - t0) * TICK_US) / Math.max(1, r.requests)
      per.set(`${conns}×${inflight}`, { ...r, cpu })
      console.log(`${s.name.padEnd(24)} ${`${conns}×${inflight}`.padStart(15)} ${(r.requests / r.elapsed).toFixed(0).padStart(9)} ${r.p50.toFixed(0).padStart(9)} ${r.p99.toFixed(0).padStart(9)} ${cpu.toFixed(1).padStart(11)} ${String(r.errors).padStart(7)}`)
    }
    results.set(s.name, per)
  }
  console.log("targets: ≥ 20,000 req/s on one core (the server is one thread), ≥ 10× pymodbus's server")
  const ours = results.get("cpppo (ours)")
  const py = [...results.keys()].find((k) => k.startsWith("pymodbus"))
  if (ours !== undefined) {
    for (const [conns, inflight] of configs) {
      const k = `${conns}×${inflight}`
      const o = ours.get(k)!
      const rps = o.requests / o.elapsed
      const p = py !== undefined ? results.get(py)!.get(k)! : undefined
      const ratio = p !== undefined ? rps / (p.requests / p.elapsed) : NaN
      const cpuRatio = p !== undefined ? p.cpu / o.cpu : NaN
      console.log(`ours at ${k}: ${rps.toFixed(0)} req/s (${(1e6 / o.cpu).toFixed(0)} req/s per CPU-second of the server), ` +
        `${Number.isFinite(ratio) ? `${ratio.toFixed(1)}× pymodbus's req/s, ${cpuRatio.toFixed(1)}× less CPU per request` : "no pymodbus baseline"}`)
    }
  }

  console.log("\nfault cases (PLC answer wanted → what each server did; ✓ = as a PLC, ✗ = not)")
  console.log(`${"case".padEnd(40)}${servers.map((s) => s.name.split(" ")[0]!.padEnd(18)).join("")}`)
  const score = new Map<string, number>()
  for (const f of FAULTS) {
    const cells: Array<string> = []
    for (const s of servers) {
      const got = await probe(s.port, f.bytes)
      const alive = (await probe(s.port, adu("0300000001"))).startsWith("0302")
      const ok = got === f.want && alive
      if (ok) score.set(s.name, (score.get(s.name) ?? 0) + 1)
      const shown = got.length > 12 ? `${got.slice(0, 10)}…` : got
      cells.push(`${ok ? "✓" : "✗"} ${shown}${alive ? "" : " (DOWN)"}`.padEnd(18))
    }
    console.log(`${`${f.name} → ${f.want}`.padEnd(40)}${cells.join("")}`)
  }
  console.log(`${"as a PLC answers".padEnd(40)}${servers.map((s) => `${score.get(s.name) ?? 0}/${FAULTS.length}`.padEnd(18)).join("")}`)
  for (const s of servers) s.child.kill("SIGTERM")

  console.log("\npoller (ours): registers polled per second")
  const one = await startChild(process.execPath, ["--import", "tsx", join(here, "_modbusdevices.ts"), "1", "40001-42000=1"])
  const r1 = await pollRate(one.ports, "40001-42000", 8, seconds)
  console.log(`1 device, 2000 registers (16 requests a cycle, 8 in flight): ${r1.registersPerSecond.toFixed(0)} registers/s, ${r1.requestsPerSecond.toFixed(0)} requests/s, ${r1.errors} errors`)
  one.child.kill("SIGINT")
  const n = quick ? 20 : 100
  const many = await startChild(process.execPath, ["--import", "tsx", join(here, "_modbusdevices.ts"), String(n), "40001-40125=1"])
  const rn = await pollRate(many.ports, "40001-40125", 1, seconds)
  console.log(`${n} devices in one process, 125 registers each (1 request a cycle): ${rn.registersPerSecond.toFixed(0)} registers/s, ${rn.requestsPerSecond.toFixed(0)} requests/s, ${rn.errors} errors`)
  many.child.kill("SIGINT")
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1) })
