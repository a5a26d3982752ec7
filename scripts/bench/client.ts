/**
 * Client benchmark: our client (this process) against our simulator (a child process, started
 * with `enip server -a 127.0.0.1:0 -A`), over loopback. Read Tag operations at depth 1, 8 and
 * 32, without and with Multiple Service Packets (-m sized for 16 reads per packet), each for a
 * bounded time. Prints operations/s, requests/s, operations per packet, and the ratio to the
 * depth-1 plain run (the baseline, measured in this same process).
 *
 *   npm run bench -- client [--seconds 2] [--quick]
 *
 * Targets: ≥ 20,000 Read Tag ops/s at depth 8; ≥ 100,000 tag reads/s with -m (16 per packet).
 */
import { spawn, type ChildProcess } from "node:child_process"
import { loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Either } from "effect"
import { Client } from "../../src/client/client.js"
import { parseOperations, type Operation } from "../../src/client/operations.js"
import { processCpuUs } from "./_cpu.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const args = process.argv.slice(2)
const seconds = Number(args[args.indexOf("--seconds") + 1] ?? 2) || 2
const quick = args.includes("--quick")

/** Start the simulator CLI; its first stdout line is the bound host:port (-A). */
const startServer = (): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", "enip", "server", "-a", "127.0.0.1:0", "-A", "SCADA=INT[1000]"], {
      cwd: root, stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    const timer = setTimeout(() => { child.kill(); reject(new Error("simulator did not print its address within 30 s")) }, 30_000)
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const m = /:(\d+)\s*\n/.exec(out)
      if (m) { clearTimeout(timer); resolve({ child, port: Number(m[1]) }) }
    })
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`simulator exited with ${code}`)) })
  })

// Indices below 256 keep every request the same size (8-bit element segment).
const ops: ReadonlyArray<Operation> = Either.getOrThrow(parseOperations(Array.from({ length: 256 }, (_, i) => `SCADA[${i}]`)))
// One Read Tag of `SCADA[i]` is 14 bytes (+2 in the MSP offset table); the MSP header 8 bytes.
const SIXTEEN_PER_PACKET = 8 + 16 * 16

interface Row {
  depth: number; multiple: boolean; ops: number; requests: number; seconds: number; failures: number
  clientCpuUs: number; serverCpuUs: number
}


const measure = (client: Client["Type"], serverPid: number, depth: number, multiple: boolean) =>
  Effect.gen(function* () {
    const options = { depth, multiple: multiple ? SIXTEEN_PER_PACKET : false }
    // Warm up, then run batches until the time is up.
    yield* client.processAll(ops, options)
    let done = 0
    let requests = 0
    let failures = 0
    const batch: Array<Operation> = []
    for (let i = 0; i < (multiple ? 32 : 8); i++) batch.push(...ops)
    const cpu0 = process.cpuUsage()
    const server0 = processCpuUs(serverPid)
    const started = performance.now()
    while (performance.now() - started < seconds * 1000) {
      const s = yield* client.processAll(batch, options)
      // A failed operation is not throughput: rates count the operations that succeeded.
      done += s.transactions.length - s.failures
      requests += s.requests
      failures += s.failures
    }
    const cpu = process.cpuUsage(cpu0)
    return {
      depth, multiple, ops: done, requests, seconds: (performance.now() - started) / 1000, failures,
      clientCpuUs: cpu.user + cpu.system, serverCpuUs: processCpuUs(serverPid) - server0
    } satisfies Row
  })

const main = async () => {
  const { child, port } = await startServer()
  try {
    const rows = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const client = yield* Client.connect({ host: "127.0.0.1", port, timeout: "10 seconds" })
          const out: Array<Row> = []
          for (const multiple of [false, true]) {
            for (const depth of quick ? [1, 8] : [1, 8, 32]) out.push(yield* measure(client, child.pid!, depth, multiple))
          }
          return out
        })
      )
    )
    const base = rows[0]!.ops / rows[0]!.seconds
    console.log(`client → simulator (separate processes, loopback), ${seconds}s per row; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
    console.log("depth  -m    ops/s      requests/s  ops/packet  failures  client µs/op  server µs/op  ratio vs depth 1 plain")
    for (const r of rows) {
      const opsRate = r.ops / r.seconds
      console.log(
        `${String(r.depth).padStart(5)}  ${r.multiple ? "yes" : "no "}  ${opsRate.toFixed(0).padStart(9)}  ${(r.requests / r.seconds).toFixed(0).padStart(10)}  ${(r.ops / r.requests).toFixed(1).padStart(10)}  ${String(r.failures).padStart(8)}  ${(r.clientCpuUs / r.ops).toFixed(1).padStart(11)}  ${(r.serverCpuUs / r.ops).toFixed(1).padStart(12)}  ${(opsRate / base).toFixed(2).padStart(6)}×`
      )
    }
    const d8 = rows.find((r) => r.depth === 8 && !r.multiple)!
    const bestM = rows.filter((r) => r.multiple).reduce((a, b) => (a.ops / a.seconds > b.ops / b.seconds ? a : b))
    console.log(`target Read Tag ops/s at depth 8 ≥ 20,000: ${(d8.ops / d8.seconds).toFixed(0)}`)
    console.log(`target tag reads/s with -m (16/packet) ≥ 100,000: ${(bestM.ops / bestM.seconds).toFixed(0)} (depth ${bestM.depth})`)
    const failed = rows.reduce((n, r) => n + r.failures, 0)
    if (failed > 0) console.log(`${failed} operations failed (not counted in ops/s)`)
  } finally {
    child.kill("SIGTERM")
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(1)
})
