/**
 * Test helper: the `cpppo` CLI as a user runs it (a child process under tsx), with its stdout
 * lines, stderr, exit status, and a wait for a stdout line.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

export const ROOT = fileURLToPath(new URL("../../", import.meta.url))

export interface Run {
  readonly child: ChildProcess
  readonly stdout: Array<string>
  readonly stderr: () => string
  /** Resolves with the exit code (or the signal name). */
  readonly exit: Promise<number | string>
  /** Resolves with the first stdout line matching, or rejects after `ms`. */
  readonly line: (re: RegExp, ms?: number) => Promise<string>
}

/** Run `cpppo ARGS…`. */
export const runCli = (args: ReadonlyArray<string>): Run => {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })
  const stdout: Array<string> = []
  let err = ""
  let partial = ""
  const watchers: Array<() => void> = []
  child.stdout!.on("data", (d: Buffer) => {
    const lines = (partial + d.toString("utf8")).split("\n")
    partial = lines.pop()!
    stdout.push(...lines)
    for (const w of watchers.splice(0)) w()
  })
  child.stderr!.on("data", (d: Buffer) => { err += d.toString("utf8") })
  const exit = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)))
  const line = (re: RegExp, ms = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stdout line matching ${re} in ${ms} ms; stdout: ${stdout.join("\\n")}; stderr: ${err}`)), ms)
      const check = () => {
        const hit = stdout.find((l) => re.test(l))
        if (hit !== undefined) { clearTimeout(timer); resolve(hit) } else watchers.push(check)
      }
      check()
    })
  return { child, stdout, stderr: () => err, exit, line }
}
