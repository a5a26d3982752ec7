/**
 * What the server benchmarks share: CPU time and RSS of a child process from /proc, starting a
 * server child that prints its address, the raw-socket load generator (_loadgen.ts), and the
 * raw node:net server answering every request with a canned reply (the floor Node itself sets).
 */
import { spawn, type ChildProcess } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { rssMb, TICK_US } from "./_cpu.js"

const here = dirname(fileURLToPath(import.meta.url))
export const root = join(here, "..", "..")

/** CPU time (user, system) of a process in µs, from /proc (ticks converted by getconf CLK_TCK). */
export const cpuTimes = (pid: number): { user: number; system: number } => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return { user: Number(fields[11]) * TICK_US, system: Number(fields[12]) * TICK_US }
}
/** CPU time (user + system) of a process in µs. */
export const cpuMicros = (pid: number): number => {
  const t = cpuTimes(pid)
  return t.user + t.system
}
export { rssMb }
/** The 1-minute load average, for the record (the machine may be shared). */
export const load = (): string => loadavg().map((l) => l.toFixed(1)).join(" ")

/** The built CLI when there is one (as users run it), else the sources through tsx. */
export const cliEntry = (useTsx = false): Array<string> =>
  existsSync(join(root, "dist", "cli", "bin.js")) && !useTsx ? ["dist/cli/bin.js"] : ["--import", "tsx", "src/cli/bin.ts"]

/** Start a server child that prints host:port on its first stdout line. */
export const startChild = (argv: Array<string>): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    const t = setTimeout(() => reject(new Error("server did not start")), 20000)
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const m = /:(\d+)\s*$/m.exec(out.split("\n")[0] ?? "")
      if (m && out.includes("\n")) { clearTimeout(t); resolve({ child, port: Number(m[1]) }) }
    })
    child.on("exit", (code) => reject(new Error(`server exited ${code}`)))
  })

export interface LoadResult { requests: number; errors: number; elapsed: number; p50: number; p99: number }

/** Run the raw-socket load generator: SESSIONS sessions, INFLIGHT Read Tag requests each. */
export const loadgen = (port: number, sessions: number, inflight: number, secs: number): Promise<LoadResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "_loadgen.ts"), "127.0.0.1", String(port), String(sessions), String(inflight), String(secs)], { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (d: Buffer) => { out += d.toString() })
    child.on("exit", () => { try { resolve(JSON.parse(out)) } catch (e) { reject(e) } })
  })

/** A raw node:net server: frames cut by length, RegisterSession echoed, anything else a canned Read Tag reply. */
export const BASELINE = `
const net = require("net")
const reply = Buffer.concat([Buffer.from("6f001a00", "hex"), Buffer.alloc(20), Buffer.from("000000000800020000000000b2000a00cc000000c30000000000", "hex")])
const srv = net.createServer({ noDelay: true }, (s) => {
  let buf = Buffer.alloc(0)
  s.on("data", (c) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c
    while (buf.length >= 24) {
      const len = 24 + buf.readUInt16LE(2); if (buf.length < len) break
      const f = buf.subarray(0, len); buf = buf.subarray(len)
      if (f.readUInt16LE(0) === 0x65) { const r = Buffer.from(f); r.writeUInt32LE(1, 4); s.write(r) } else s.write(reply)
    }
  })
  s.on("error", () => {})
})
srv.listen(0, "127.0.0.1", () => console.log("127.0.0.1:" + srv.address().port))
`

/** Median of numbers (NaN for none). */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
