/**
 * Run the third-party Python clients (pycomm3, pylogix from ../shared/clients) from the tests: a
 * small script per case, run with Debian's python3 (or python3 on PATH), whose `out` dict comes
 * back as JSON. `pythonSkip` says in one line why the Python interop tests cannot run here.
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const CLIENTS = fileURLToPath(new URL("../../../shared/clients", import.meta.url))
const LIBS = { pycomm3: `${CLIENTS}/pycomm3`, pylogix: `${CLIENTS}/pylogix` }

const findPython = (): string | undefined => {
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(candidate, ["-c", "import sys; assert sys.version_info >= (3, 7)"], { stdio: "ignore" })
    if (r.status === 0) return candidate
  }
  return undefined
}

/** The python3 to run, when there is one. */
export const PYTHON = findPython()

/** Why the Python interop tests are skipped here, or undefined when they can run. */
export const pythonSkip: string | undefined = PYTHON === undefined
  ? "python3 not found (Debian's python3 runs pycomm3 and pylogix; .ci/run installs it)"
  : !existsSync(`${LIBS.pycomm3}/pycomm3`) || !existsSync(`${LIBS.pylogix}/pylogix`)
    ? `the Python clients are not in ${CLIENTS} (pycomm3/, pylogix/)`
    : undefined

if (pythonSkip !== undefined) console.log(`skipped: Python client interop tests: ${pythonSkip}`)

const MARK = "@@RESULT@@"

// Prepended to every case: HOST/PORT, the `out` dict, and JSON-safe conversion (ints beyond
// 2^53 become decimal strings, bytes hex, anything else its str()).
const PRELUDE = `
import atexit, json, sys
HOST = sys.argv[1]
PORT = int(sys.argv[2])
out = {}
def _j(v):
    if isinstance(v, bool) or v is None or isinstance(v, float) or isinstance(v, str): return v
    if isinstance(v, int): return v if abs(v) < 2**53 else str(v)
    if isinstance(v, (bytes, bytearray)): return v.hex()
    if isinstance(v, dict): return {str(k): _j(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)): return [_j(x) for x in v]
    return str(v)
def tag(t):
    return {'value': _j(t.value), 'error': t.error}
def resp(r):
    return {'value': _j(r.Value), 'status': r.Status}
atexit.register(lambda: print('${MARK}' + json.dumps(_j(out))))
`

/** A case's results: whatever its script put in `out`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PyOut = Record<string, any>

/**
 * Run `code` (Python, top level; reads HOST and PORT, fills `out`) with both clients importable.
 * Rejects with the script's stderr when it fails or runs longer than `timeoutMs`.
 */
export const runPython = (code: string, host: string, port: number, timeoutMs = 60_000): Promise<PyOut> =>
  new Promise((resolve, reject) => {
    if (PYTHON === undefined) return reject(new Error(pythonSkip))
    const child = spawn(PYTHON, ["-", host, String(port)], {
      env: { ...process.env, PYTHONPATH: `${LIBS.pycomm3}:${LIBS.pylogix}`, PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString() })
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => { child.kill("SIGKILL") }, timeoutMs)
    child.on("close", (status, signal) => {
      clearTimeout(timer)
      const line = stdout.split("\n").find((l) => l.startsWith(MARK))
      if (status !== 0 || line === undefined) {
        return reject(new Error(`python exited ${signal ?? status}${signal === "SIGKILL" ? ` (killed after ${timeoutMs} ms)` : ""}:\n${stderr.slice(-3000)}\n${stdout.slice(-1000)}`))
      }
      resolve(JSON.parse(line.slice(MARK.length)) as PyOut)
    })
    child.stdin.end(PRELUDE + "\n" + code + "\n")
  })
