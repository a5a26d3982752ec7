/** Bench helpers: a server child that prints `host:port` first, and its CPU time and RSS from /proc. */
import { spawn, type ChildProcess } from "node:child_process"
import { readFileSync } from "node:fs"

/** Linux USER_HZ: µs per clock tick of /proc/PID/stat. */
export const TICK_US = 1e6 / 100

/** utime + stime of a process, in clock ticks. */
export const cpuTicks = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return Number(fields[11]) + Number(fields[12])
}

export const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Start a server child (node ARGV… in `cwd`) that prints host:port on its first stdout line. */
export const startChild = (argv: Array<string>, cwd: string, ms = 20_000): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    const t = setTimeout(() => reject(new Error("server did not start")), ms)
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const m = /:(\d+)\s*$/m.exec(out.split("\n")[0] ?? "")
      if (m && out.includes("\n")) { clearTimeout(t); resolve({ child, port: Number(m[1]) }) }
    })
    child.on("exit", (code) => reject(new Error(`server exited ${code}`)))
  })
