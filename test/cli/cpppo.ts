/** Running the real `cpppo` binary (`node dist/cli/bin.js`, built by test/globalSetup.ts) in tests. */
import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from "node:child_process"
import { fileURLToPath } from "node:url"

export const ROOT = fileURLToPath(new URL("../../", import.meta.url))
export const BIN = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url))

/** Run `cpppo ARGS…` to completion (stdout/stderr are pipes, so not a TTY). */
export const cpppo = (args: ReadonlyArray<string>, options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string; readonly input?: string; readonly timeout?: number } = {}): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    timeout: options.timeout ?? 30_000,
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    ...(options.input !== undefined ? { input: options.input } : {})
  })

/** A running `cpppo …` (a server): its stdout lines as they come, and a way to wait for one. */
export interface Running {
  readonly child: ChildProcess
  readonly stdout: Array<string>
  readonly stderr: () => string
  readonly exit: Promise<number | string>
  /** The first stdout line matching `re` (waits up to `ms`). */
  readonly line: (re: RegExp, ms?: number) => Promise<string>
  /** Interrupt it (SIGINT) and wait for the exit. */
  readonly stop: () => Promise<number | string>
}

export const start = (args: ReadonlyArray<string>, options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}): Running => {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] })
  const stdout: Array<string> = []
  let err = ""
  let partial = ""
  const watchers: Array<() => void> = []
  const wake = () => { for (const w of watchers.splice(0)) w() }
  child.stdout!.on("data", (d: Buffer) => {
    const lines = (partial + d.toString("utf8")).split("\n")
    partial = lines.pop()!
    stdout.push(...lines)
    wake()
  })
  child.stderr!.on("data", (d: Buffer) => { err += d.toString("utf8") })
  const exit = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => { resolve(code ?? signal ?? -1); wake() }))
  const line = (re: RegExp, ms = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stdout line matching ${re} in ${ms} ms; stdout: ${stdout.join("\\n")}; stderr: ${err}`)), ms)
      const check = () => {
        const hit = stdout.find((l) => re.test(l))
        if (hit !== undefined) { clearTimeout(timer); resolve(hit) }
        else if (child.exitCode !== null || child.signalCode !== null) { clearTimeout(timer); reject(new Error(`exited ${child.exitCode ?? child.signalCode}; stderr: ${err}`)) }
        else watchers.push(check)
      }
      check()
    })
  const stop = () => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT"); return exit }
  return { child, stdout, stderr: () => err, exit, line, stop }
}

export interface Result { readonly status: number | null; readonly stdout: string; readonly stderr: string }

/** Run `cpppo ARGS…` to completion without blocking (a hung run is killed after `timeout` ms). */
export const run = (args: ReadonlyArray<string>, options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string; readonly timeout?: number } = {}): Promise<Result> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => { stdout += String(d) })
    child.stderr.on("data", (d) => { stderr += String(d) })
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeout ?? 20_000)
    child.on("close", (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }) })
  })

/** Run many command lines, a few at a time (2 cores). */
export const runAll = async (cases: ReadonlyArray<ReadonlyArray<string>>, options: Parameters<typeof run>[1] = {}): Promise<Array<Result>> => {
  const out: Array<Result> = []
  for (let i = 0; i < cases.length; i += 4) out.push(...(await Promise.all(cases.slice(i, i + 4).map((c) => run(c, options)))))
  return out
}
