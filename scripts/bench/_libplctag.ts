/**
 * libplctag's load against libplctag's C simulator (ab_server) and ours, side by side: each round
 * starts both servers, runs ../shared/tools/libplctag/bench.sh against each (sync-read, packed16,
 * big-read by default) with SERVER_PID set, and reads its BENCH lines (tag operations per second,
 * server CPU µs per operation from /proc). Rounds alternate which server goes first.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { cliEntry, median, root, startChild } from "./_procs.js"

export const LIBPLCTAG = join(root, "..", "shared", "tools", "libplctag")
export const SCENARIOS = ["sync-read", "packed16", "big-read"] as const

/** Why the libplctag tools cannot run here, or undefined when they can. */
export const libplctagMissing = (): string | undefined => {
  for (const f of ["bench.sh", "plctag_bench", "ab_server"]) {
    if (!existsSync(join(LIBPLCTAG, f))) return `${join(LIBPLCTAG, f)} is absent`
  }
  return undefined
}

export interface Figure { readonly tps: number; readonly usPerOp: number; readonly errors: number }
export type Round = Record<string, { readonly ab: Figure; readonly ours: Figure }>

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })

const waitListening = async (port: number): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((res) => {
      const c = net.connect({ host: "127.0.0.1", port }, () => { c.destroy(); res(true) })
      c.on("error", () => res(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`)
}

/** Run bench.sh against a server; its BENCH line per scenario. */
const benchSh = (pid: number, port: number, seconds: number, scenarios: ReadonlyArray<string>): Promise<Map<string, Figure>> =>
  new Promise((resolve) => {
    const child = spawn(join(LIBPLCTAG, "bench.sh"), ["127.0.0.1", String(port), String(seconds), ...scenarios], {
      env: { ...process.env, SERVER_PID: String(pid) }, stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (d: Buffer) => { out += d.toString() })
    child.on("exit", () => {
      const figures = new Map<string, Figure>()
      for (const line of out.split("\n")) {
        const m = /^BENCH libplctag (\S+) tps=([\d.]+) ok=\d+ err=(\S+)/.exec(line)
        if (!m || m[1] === "summary") continue
        const us = /server_us_per_op=([\d.]+)/.exec(line)
        figures.set(m[1]!, { tps: Number(m[2]), usPerOp: us ? Number(us[1]) : NaN, errors: Number(m[3]) || 0 })
      }
      resolve(figures)
    })
  })

/** Start libplctag's ab_server (DINTS=DINT[100], SCADA=INT[1000]) on a free port. */
export const startAbServer = async (): Promise<{ child: ChildProcess; port: number }> => {
  const port = await freePort()
  const child = spawn(join(LIBPLCTAG, "ab_server"), ["--plc=ControlLogix", "--path=1,0", `--port=${port}`, "--tag=DINTS:DINT[100]", "--tag=SCADA:INT[1000]"], { stdio: "ignore" })
  await waitListening(port)
  return { child, port }
}

/** Stop a server child (SIGINT) and wait for it to exit. */
export const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGINT")
  })

/**
 * One round: both servers started afresh; with `warm`, one second of each scenario first (not
 * counted: JIT compilation is a start-up cost, not a per-request one); then the measured runs.
 */
export const sideBySideRound = async (seconds: number, abFirst: boolean, warm: boolean, scenarios: ReadonlyArray<string> = SCENARIOS): Promise<Round> => {
  const ab = await startAbServer()
  const ours = await startChild([...cliEntry(), "enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "DINTS=DINT[100]", "SCADA=INT[1000]"])
  try {
    if (warm) {
      await benchSh(ab.child.pid!, ab.port, 1, scenarios)
      await benchSh(ours.child.pid!, ours.port, 1, scenarios)
    }
    const run = (s: { child: ChildProcess; port: number }) => benchSh(s.child.pid!, s.port, seconds, scenarios)
    const a = abFirst ? await run(ab) : undefined
    const o = await run(ours)
    const a2 = a ?? await run(ab)
    const round: Round = {}
    const none: Figure = { tps: NaN, usPerOp: NaN, errors: NaN }
    for (const s of scenarios) round[s] = { ab: a2.get(s) ?? none, ours: o.get(s) ?? none }
    return round
  } finally {
    await stop(ab.child)
    await stop(ours.child)
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "—")

/** Print rounds and, per scenario, the median and best of the rate and CPU ratios. */
export const printRounds = (rounds: ReadonlyArray<Round>, scenarios: ReadonlyArray<string> = SCENARIOS): void => {
  console.log("round  scenario      ab_server op/s  µs/op    ours op/s   µs/op   rate ratio  CPU/op ratio  errors")
  rounds.forEach((r, i) => {
    for (const s of scenarios) {
      const { ab, ours } = r[s]!
      console.log(
        `${String(i + 1).padEnd(6)} ${s.padEnd(12)} ${fmt(ab.tps).padStart(15)} ${fmt(ab.usPerOp, 2).padStart(6)} ${fmt(ours.tps).padStart(12)} ${fmt(ours.usPerOp, 2).padStart(7)}` +
        ` ${(fmt(ours.tps / ab.tps, 2) + "×").padStart(12)} ${(fmt(ours.usPerOp / ab.usPerOp, 2) + "×").padStart(13)}  ${ab.errors + ours.errors}`
      )
    }
  })
  console.log("scenario      rate ratio median (best)   CPU/op ratio median (best)   targets: rate ≥ 1.0×, CPU/op ≤ 2.0×")
  for (const s of scenarios) {
    const rate = rounds.map((r) => r[s]!.ours.tps / r[s]!.ab.tps)
    const cpu = rounds.map((r) => r[s]!.ours.usPerOp / r[s]!.ab.usPerOp)
    const best = { rate: Math.max(...rate.filter(Number.isFinite)), cpu: Math.min(...cpu.filter(Number.isFinite)) }
    console.log(`${s.padEnd(12)} ${(fmt(median(rate), 2) + "×").padStart(12)} (${fmt(best.rate, 2)}×)              ${(fmt(median(cpu), 2) + "×").padStart(6)} (${fmt(best.cpu, 2)}×)`)
  }
}

/** The libplctag tools' own check: plctag_bench answers --help (a binary for another platform does not). */
export const libplctagRuns = (): boolean =>
  spawnSync(join(LIBPLCTAG, "plctag_bench"), ["--help"], { stdio: "ignore" }).error === undefined
