/** Start and talk to the simulator child process (scripts/fuzz/server.ts). */
import { fork, type ChildProcess } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { FromServer, ServerStats, ToServer } from "./server.js"

export interface ServerChild {
  readonly port: number
  /** The web API's base URL, when started with `web`. */
  readonly web: string | undefined
  /** Hand every recorded event to the history file (with `historize`). */
  sync(): Promise<void>
  readonly process: ChildProcess
  stats(options?: { reset?: boolean; gc?: boolean }): Promise<ServerStats>
  control(m: Extract<ToServer, { type: "control" }>): void
  /** True while the child runs. */
  alive(): boolean
  stop(): Promise<void>
}

export interface ChildConfig {
  readonly tags: ReadonlyArray<string>
  readonly maxFrame?: number
  readonly maxSessions?: number
  readonly idleTimeout?: number
  /** Also listen on UDP (same port) for List* datagrams. */
  readonly udp?: boolean
  /** Process-wide budget of bytes held by sessions (default 256 MiB). */
  readonly maxBufferedBytes?: number
  readonly maxSessionsPerPeer?: number
  /** Unsent bytes one session may hold before it is closed (default 4 MB). */
  readonly maxOutput?: number
  /** Record every tag access to this history file, as `--historize` does. */
  readonly historize?: string
  /** Also serve the web API. */
  readonly web?: boolean
}

const serverFile = fileURLToPath(new URL("./server.ts", import.meta.url))

/** Fork the simulator with `--expose-gc`; resolves once it listens (port 0 → its port). */
export const startServerChild = (config: ChildConfig, ms = 30_000): Promise<ServerChild> =>
  new Promise((resolve, reject) => {
    const child = fork(serverFile, [], {
      execArgv: ["--import", "tsx", "--expose-gc"],
      env: { ...process.env, FUZZ_SERVER_CONFIG: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    let exited = false
    child.on("exit", () => { exited = true })
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error("simulator child did not start")) }, ms)
    const waiting: Array<(s: ServerStats) => void> = []
    const syncing: Array<() => void> = []
    child.on("message", (m: FromServer) => {
      if (m.type === "ready") {
        clearTimeout(timer)
        resolve({
          port: m.port,
          web: m.web,
          sync: () => new Promise((res, rej) => {
            if (exited) return rej(new Error("simulator child exited"))
            syncing.push(res)
            child.send({ type: "sync" } satisfies ToServer)
          }),
          process: child,
          stats: (o = {}) => new Promise((res, rej) => {
            if (exited) return rej(new Error("simulator child exited"))
            waiting.push(res)
            child.send({ type: "stats", ...o } satisfies ToServer)
          }),
          control: (c) => { if (!exited) child.send(c) },
          alive: () => !exited,
          stop: () => new Promise((res) => {
            if (exited) return res()
            const t = setTimeout(() => child.kill("SIGKILL"), 3000)
            child.once("exit", () => { clearTimeout(t); res() })
            child.send({ type: "exit" } satisfies ToServer)
          })
        })
      } else if (m.type === "stats") waiting.shift()?.(m)
      else if (m.type === "synced") syncing.shift()?.()
      else if (m.type === "error") { clearTimeout(timer); reject(new Error(m.message)) }
    })
    child.on("error", (e) => { clearTimeout(timer); reject(e) })
  })
