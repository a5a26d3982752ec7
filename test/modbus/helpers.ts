/**
 * Modbus test helpers: an in-process device for the length of a callback, a raw MBAP client, and
 * Debian's pymodbus (client and server scripts beside this file) as child processes. A test that
 * needs pymodbus skips with one line when /usr/bin/python3 cannot import it.
 */
import { Effect, Logger, LogLevel } from "effect"
import { execFile, execFileSync, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import * as net from "node:net"
import { fileURLToPath } from "node:url"
import { makeModbusDevice, type ModbusDeviceConfig, type ModbusDeviceService } from "../../src/modbus/device.js"
import { makeMbapFramer } from "../../src/modbus/codec.js"

const HERE = fileURLToPath(new URL(".", import.meta.url))
export const PYTHON = "/usr/bin/python3"

/** Why pymodbus cannot be used here, or undefined when it can. */
export const pymodbusMissing = ((): string | undefined => {
  if (!existsSync(PYTHON)) return `${PYTHON} is absent`
  try {
    const v = execFileSync(PYTHON, ["-c", "import pymodbus; print(pymodbus.__version__)"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim()
    return v.startsWith("3.") ? undefined : `pymodbus ${v} is not 3.x`
  } catch {
    return "python3-pymodbus is not installed (apt-get install python3-pymodbus)"
  }
})()

export const withDevice = <A>(config: Partial<ModbusDeviceConfig> & Pick<ModbusDeviceConfig, "registers">, f: (d: ModbusDeviceService) => Promise<A>): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(makeModbusDevice({ host: "127.0.0.1", port: 0, ...config }), (d) => Effect.promise(() => f(d)))).pipe(
      Effect.provide(Logger.minimumLogLevel(LogLevel.None)))
  )

export type PyOp = ReadonlyArray<string | number | boolean | ReadonlyArray<number | boolean>>
export type PyResult = { ok?: unknown; exception?: number; error?: string }

/** Run operations with pymodbus's synchronous client (in a child process, so our server keeps serving). */
export const pymodbusClient = (port: number, unit: number, ops: ReadonlyArray<PyOp>): Promise<Array<PyResult>> =>
  new Promise((resolve, reject) => {
    const child = execFile(PYTHON, [`${HERE}pymodbus/client.py`, "127.0.0.1", String(port), String(unit)], { timeout: 30_000 }, (err, stdout, stderr) => {
      const lines = stdout.split("\n").filter((l) => l.trim() !== "")
      if (lines.length < ops.length) return reject(new Error(`pymodbus client: ${err?.message ?? ""} ${stderr}`))
      resolve(lines.map((l) => JSON.parse(l) as PyResult))
    })
    child.stdin!.end(JSON.stringify(ops))
  })

/** Start pymodbus's server on 127.0.0.1 (port chosen by the OS); stop() kills it. */
export const pymodbusServer = (): Promise<{ readonly port: number; readonly stop: () => void }> =>
  new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [`${HERE}pymodbus/server.py`, "127.0.0.1", "0"], { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    const timer = setTimeout(() => { child.kill(); reject(new Error(`pymodbus server did not start: ${err}`)) }, 15_000)
    child.stderr!.on("data", (d: Buffer) => { err += d.toString() })
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const m = /:(\d+)\n/.exec(out)
      if (m) { clearTimeout(timer); resolve({ port: Number(m[1]), stop: () => child.kill() }) }
    })
    child.on("exit", () => { clearTimeout(timer); reject(new Error(`pymodbus server exited: ${err}`)) })
  })

/** A raw Modbus/TCP client: send bytes, take whole ADUs, see a close. */
export interface RawModbus {
  send(bytes: Uint8Array | string): void
  adu(ms?: number): Promise<Uint8Array>
  closed(ms?: number): Promise<boolean>
  close(): void
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"))
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex")

export const rawModbus = (port: number): Promise<RawModbus> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port, noDelay: true })
    const framer = makeMbapFramer()
    const frames: Array<Uint8Array> = []
    const waiters: Array<(f: Uint8Array) => void> = []
    let ended = false
    const endWaiters: Array<() => void> = []
    socket.on("data", (chunk) => {
      for (const f of framer.push(chunk).frames) {
        const w = waiters.shift()
        if (w) w(Uint8Array.from(f))
        else frames.push(Uint8Array.from(f))
      }
    })
    const onEnd = () => { ended = true; for (const w of endWaiters.splice(0)) w() }
    socket.on("close", onEnd)
    // node clears `connecting` before emitting a connect failure, so track the connection here.
    let connected = false
    socket.on("error", (e) => (connected ? onEnd() : reject(e)))
    socket.on("connect", () => {
      connected = true
      resolve({
        send: (b) => { socket.write(typeof b === "string" ? hex(b) : b) },
        adu: (ms = 3000) =>
          new Promise((res, rej) => {
            const f = frames.shift()
            if (f) return res(f)
            const t = setTimeout(() => rej(new Error(`no reply within ${ms} ms`)), ms)
            waiters.push((x) => { clearTimeout(t); res(x) })
          }),
        closed: (ms = 3000) =>
          new Promise((res) => {
            if (ended) return res(true)
            const t = setTimeout(() => res(false), ms)
            endWaiters.push(() => { clearTimeout(t); res(true) })
          }),
        close: () => { socket.destroy() }
      })
    })
  })

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * A hang guard for tests against a device on 127.0.0.1 (a test's own option, `describe(name,
 * HANG_GUARD, …)`): they take well under a second, so ten seconds is only ever reached by a hang (a
 * change that never arrives, a reply never matched). It fails the test instead of waiting out the
 * config's minute (and, under mutation testing, Stryker's timeout and a restarted worker).
 */
export const HANG_GUARD = { timeout: 10_000 } as const
