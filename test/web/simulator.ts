/**
 * End-to-end helpers: run `cpppo enip server … -w 127.0.0.1:0` as a child process, learn its
 * bound addresses from `-A` output, and talk raw EtherNet/IP to it. Everything has time limits,
 * and the child is killed (by its pid) when the test is done with it.
 */
import { spawn, type ChildProcess } from "node:child_process"
import * as net from "node:net"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import { encodeFrame } from "../../src/enip/frame.js"
import { makeFramer } from "../../src/enip/framer.js"
import { BIN } from "../cli/cpppo.js" // the real binary, node dist/cli/bin.js

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

export interface Simulator {
  readonly proc: ChildProcess
  readonly enip: { readonly host: string; readonly port: number }
  readonly web: string
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>
  readonly output: () => string
  readonly stop: () => Promise<void>
}

/** Start the CLI simulator with the web API on an ephemeral port; resolves once both are listening. */
export const startSimulator = (tags: ReadonlyArray<string>, extra: ReadonlyArray<string> = [], ms = 30_000): Promise<Simulator> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, "enip", "server", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", ...extra, ...tags], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    const exited = new Promise<number | null>((res) => proc.once("exit", (code) => res(code)))
    const stop = async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM")
        const t = setTimeout(() => proc.kill("SIGKILL"), 3000)
        await exited
        clearTimeout(t)
      }
    }
    const timer = setTimeout(() => { void stop(); reject(new Error(`simulator did not start within ${ms} ms:\n${out}`)) }, ms)
    const check = () => {
      const enip = /^(\S+):(\d+)\s*$/m.exec(out)
      const web = /^web (\S+):(\d+)\s*$/m.exec(out)
      if (enip && web) {
        clearTimeout(timer)
        resolve({ proc, enip: { host: enip[1]!, port: Number(enip[2]) }, web: `http://${web[1]}:${web[2]}`, exited, output: () => out, stop })
      }
    }
    proc.stdout!.on("data", (b: Buffer) => { out += b.toString(); check() })
    proc.stderr!.on("data", (b: Buffer) => { out += b.toString() })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`simulator exited (${code}) before listening:\n${out}`)) })
  })

/** GET an API path (JSON). */
export const apiGet = async (base: string, path: string): Promise<{ status: number; body: { command: { success: boolean; message: string; value?: Record<string, unknown> } | null; data: Record<string, Record<string, Record<string, unknown>>> } }> => {
  const res = await fetch(base + path, { signal: AbortSignal.timeout(5000), headers: { accept: "application/json" } })
  return { status: res.status, body: await res.json() as never }
}

/** A raw EtherNet/IP session: RegisterSession done, with a way to learn when the server closes it. */
export interface RawSession {
  readonly socket: net.Socket
  readonly localPort: number
  readonly sessionHandle: number
  readonly closed: (ms: number) => Promise<boolean>
}

/** Connect; fails with the socket error (e.g. ECONNREFUSED) within `ms`. */
export const rawConnect = (host: string, port: number, ms = 3000): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true })
    const timer = setTimeout(() => { socket.destroy(); reject(new Error("connect timed out")) }, ms)
    socket.once("connect", () => { clearTimeout(timer); resolve(socket) })
    socket.once("error", (e) => { clearTimeout(timer); socket.destroy(); reject(e) })
  })

/** Connect and RegisterSession, built with the project's frame encoder. */
export const rawSession = async (host: string, port: number, ms = 3000): Promise<RawSession> => {
  const socket = await rawConnect(host, port, ms)
  let ended = false
  const endWaiters: Array<() => void> = []
  const onEnd = () => { ended = true; for (const w of endWaiters.splice(0)) w() }
  socket.on("end", onEnd)
  socket.on("close", onEnd)
  socket.on("error", onEnd)
  const framer = makeFramer(1 << 16)
  const reply = new Promise<Uint8Array>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no RegisterSession reply")), ms)
    socket.on("data", (chunk: Buffer) => {
      const r = framer.push(chunk)
      if (Either.isRight(r) && r.right.length > 0) { clearTimeout(timer); resolve(Uint8Array.from(r.right[0]!)) }
    })
  })
  socket.write(encodeFrame({
    header: { sessionHandle: 0, status: 0, senderContext: new Uint8Array(8), options: 0 },
    body: { _tag: "RegisterSession", protocolVersion: 1, options: 0 }
  }))
  const frame = await reply
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  if (view.getUint16(0, true) !== 0x65 || view.getUint32(8, true) !== 0) throw new Error("RegisterSession refused")
  return {
    socket,
    localPort: socket.localPort!,
    sessionHandle: view.getUint32(4, true),
    closed: (limit) => new Promise((res) => {
      if (ended) return res(true)
      const t = setTimeout(() => res(false), limit)
      endWaiters.push(() => { clearTimeout(t); res(true) })
    })
  }
}
