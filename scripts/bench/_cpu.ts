/**
 * CPU time and memory of another process, from /proc (Linux). Clock ticks are converted with the
 * kernel's own tick rate (`getconf CLK_TCK`), not an assumed USER_HZ of 100.
 */
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"

const clockTicksPerSecond = (): number => {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim())
    if (Number.isInteger(n) && n > 0) return n
  } catch {
    // no getconf: fall through
  }
  throw new Error("getconf CLK_TCK failed: cannot convert /proc CPU ticks to time")
}

/** Microseconds per /proc clock tick on this machine. */
export const TICK_US = 1e6 / clockTicksPerSecond()

/** utime + stime of `pid`, in clock ticks (see TICK_US). */
export const cpuTicks = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return Number(f[11]) + Number(f[12])
}

/** CPU time `pid` has used, µs. */
export const processCpuUs = (pid: number): number => cpuTicks(pid) * TICK_US

/** Resident set size of `pid`, MB. */
export const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return m ? Number(m[1]) / 1024 : Number.NaN
}
