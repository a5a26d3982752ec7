/**
 * libplctag's load against libplctag's C simulator (ab_server), the Node floor for that load
 * (scripts/bench/_plctagFloor.mjs: node:net answering libplctag's requests with canned replies) and
 * ours, side by side: each round starts the three servers, runs ../shared/tools/libplctag/bench.sh
 * against each (sync-read, packed16, big-read by default) with SERVER_PID set, and reads its BENCH
 * lines (tag operations per second, server CPU µs per operation from /proc). Rounds alternate
 * whether ab_server goes first or last.
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
export type Round = Record<string, { readonly ab: Figure; readonly floor: Figure; readonly ours: Figure }>

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
export const benchSh = (pid: number, port: number, seconds: number, scenarios: ReadonlyArray<string>): Promise<Map<string, Figure>> =>
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
  const floor = await startChild([join(root, "scripts", "bench", "_plctagFloor.mjs")])
  const ours = await startChild([...cliEntry(), "enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "DINTS=DINT[100]", "SCADA=INT[1000]"])
  try {
    if (warm) {
      for (const s of [ab, floor, ours]) await benchSh(s.child.pid!, s.port, 1, scenarios)
    }
    const run = (s: { child: ChildProcess; port: number }) => benchSh(s.child.pid!, s.port, seconds, scenarios)
    const a = abFirst ? await run(ab) : undefined
    const f = await run(floor)
    const o = await run(ours)
    const a2 = a ?? await run(ab)
    const round: Round = {}
    const none: Figure = { tps: NaN, usPerOp: NaN, errors: NaN }
    for (const s of scenarios) round[s] = { ab: a2.get(s) ?? none, floor: f.get(s) ?? none, ours: o.get(s) ?? none }
    return round
  } finally {
    await stop(ab.child)
    await stop(floor.child)
    await stop(ours.child)
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "—")

/**
 * Print rounds and, per scenario, the median and best of: ours against ab_server (rate, CPU per
 * operation: the targets), the floor against ab_server (what Node costs before any protocol
 * work) and ours against the floor (what the simulator adds).
 */
export const printRounds = (rounds: ReadonlyArray<Round>, scenarios: ReadonlyArray<string> = SCENARIOS): void => {
  const x = (n: number) => (fmt(n, 2) + "×")
  console.log("round  scenario      ab_server op/s  µs/op   floor op/s  µs/op    ours op/s   µs/op   ours/ab rate  CPU   floor/ab CPU  ours/floor CPU  errors")
  rounds.forEach((r, i) => {
    for (const s of scenarios) {
      const { ab, floor, ours } = r[s]!
      console.log(
        `${String(i + 1).padEnd(6)} ${s.padEnd(12)} ${fmt(ab.tps).padStart(15)} ${fmt(ab.usPerOp, 2).padStart(6)} ${fmt(floor.tps).padStart(12)} ${fmt(floor.usPerOp, 2).padStart(6)}` +
        ` ${fmt(ours.tps).padStart(12)} ${fmt(ours.usPerOp, 2).padStart(7)} ${x(ours.tps / ab.tps).padStart(13)} ${x(ours.usPerOp / ab.usPerOp).padStart(6)}` +
        ` ${x(floor.usPerOp / ab.usPerOp).padStart(14)} ${x(ours.usPerOp / floor.usPerOp).padStart(15)}  ${ab.errors + floor.errors + ours.errors}`
      )
    }
  })
  const summary = (label: string, values: ReadonlyArray<number>, better: "high" | "low") => {
    const ok = values.filter(Number.isFinite)
    const best = better === "high" ? Math.max(...ok) : Math.min(...ok)
    return `${label} ${x(median(values))} (${x(best)})`
  }
  console.log("scenario      median (best) of the rounds; targets: ours/ab rate ≥ 1.0×, ours/ab CPU/op ≤ 2.0×")
  for (const s of scenarios) {
    const of = (f: (r: Round[string]) => number) => rounds.map((r) => f(r[s]!))
    console.log(`${s.padEnd(12)}  ${[
      summary("ours/ab rate", of((r) => r.ours.tps / r.ab.tps), "high"),
      summary("CPU", of((r) => r.ours.usPerOp / r.ab.usPerOp), "low"),
      summary("floor/ab CPU", of((r) => r.floor.usPerOp / r.ab.usPerOp), "low"),
      summary("ours/floor CPU", of((r) => r.ours.usPerOp / r.floor.usPerOp), "low")
    ].join("   ")}`)
  }
}

/** The libplctag tools' own check: plctag_bench answers --help (a binary for another platform does not). */
export const libplctagRuns = (): boolean =>
  spawnSync(join(LIBPLCTAG, "plctag_bench"), ["--help"], { stdio: "ignore" }).error === undefined
