/**
 * Fuzzing the Modbus/TCP server: mutants of valid ADUs of every function code (bit flips,
 * truncation, extension, MBAP length and protocol fields that lie, unit ids, quantities of 0 or
 * past the limit, byte counts that lie, unknown function codes).
 *
 * - In-process: each mutant goes through the MBAP framer (in random chunks) and the device's
 *   frame handler. Invariants: nothing throws; every whole frame gets exactly one reply that
 *   echoes its transaction and unit, whose function code is the request's (success) or the
 *   request's | 0x80 with exception 01/02/03/04/06/0B; a broken MBAP is reported, never answered.
 * - Live: a device in a child process; fuzz connections send mutants, each must be answered or
 *   its connection closed (a frame cut short may stay unanswered); a healthy client writes and
 *   reads back a register throughout and must never fail.
 */
import { spawn } from "node:child_process"
import * as net from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Either, Exit } from "effect"
import { encodeAdu, encodeRequest, makeMbapFramer, type ModbusRequest } from "../../src/modbus/codec.js"
import { answerAdu, type HandlerContext } from "../../src/modbus/handler.js"
import { makeRegisterMap, planRuns, runSpec } from "../../src/modbus/registers.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { prng, type Rng } from "./mutate.js"

export const FUZZ_REGISTERS = ["40001-40200=1", "40300-40310=2", "1-100=1", "10001-10050=0", "30001-30100=3"]
const EXCEPTIONS = new Set([1, 2, 3, 4, 6, 0x0b])

const requests: ReadonlyArray<ModbusRequest> = [
  { fc: 1, address: 0, quantity: 100 }, { fc: 2, address: 0, quantity: 50 }, { fc: 3, address: 0, quantity: 125 },
  { fc: 4, address: 0, quantity: 100 }, { fc: 5, address: 3, value: true }, { fc: 6, address: 5, value: 1234 },
  { fc: 15, address: 0, values: Array.from({ length: 20 }, (_, i) => i % 2 === 0) }, { fc: 16, address: 10, values: [1, 2, 3, 4] },
  { fc: 22, address: 1, and: 0xf0f0, or: 0x0f0f }, { fc: 23, readAddress: 0, readQuantity: 10, writeAddress: 299, values: [9, 9] },
  { fc: 43, code: 1, objectId: 0 }, { fc: 43, code: 2, objectId: 0 }, { fc: 43, code: 4, objectId: 4 }
]

/** Valid ADUs of every function code. */
export const modbusSeeds = (): Array<Uint8Array> => requests.map((r, i) => encodeAdu(i + 1, 1, encodeRequest(r)))

const put16 = (b: Uint8Array, at: number, v: number) => { b[at] = (v >> 8) & 0xff; b[at + 1] = v & 0xff }
type Mutator = (b: Uint8Array, r: Rng) => Uint8Array
const MUTATORS: Record<string, Mutator> = {
  bitflip: (b, r) => { const o = Uint8Array.from(b); for (let i = 0; i < 1 + r.int(3); i++) o[r.int(o.length)]! ^= 1 << r.int(8); return o },
  truncate: (b, r) => b.slice(0, r.int(b.length)),
  extend: (b, r) => { const o = new Uint8Array(b.length + 1 + r.int(300)); o.set(b); for (let i = b.length; i < o.length; i++) o[i] = r.int(256); return o },
  lengthLies: (b, r) => { const o = Uint8Array.from(b); put16(o, 4, r.pick([0, 1, 2, 3, 253, 254, 255, 256, 0xffff, ((o[4]! << 8) | o[5]!) + r.int(5) - 2])); return o },
  protocol: (b, r) => { const o = Uint8Array.from(b); put16(o, 2, r.pick([1, 0x100, 0xffff])); return o },
  unit: (b, r) => { const o = Uint8Array.from(b); o[6] = r.pick([0, 2, 0xf7, 0xff]); return o },
  quantity: (b, r) => { const o = Uint8Array.from(b); if (o.length >= 12) put16(o, 10, r.pick([0, 1, 124, 125, 126, 1968, 1969, 2000, 2001, 0xffff])); return o },
  address: (b, r) => { const o = Uint8Array.from(b); if (o.length >= 10) put16(o, 8, r.pick([0, 199, 200, 299, 310, 311, 0xfff0, 0xffff])); return o },
  byteCount: (b, r) => { const o = Uint8Array.from(b); if (o.length > 12) o[12] = r.pick([0, 1, o[12]! + 1, o[12]! - 1, 0xff]) & 0xff; return o },
  functionCode: (b, r) => { const o = Uint8Array.from(b); if (o.length > 7) o[7] = r.pick([0, 7, 8, 17, 20, 21, 24, 43, 0x80, 0x83, 0xff, r.int(256)]); return o },
  meiType: (b, r) => { const o = Uint8Array.from(b); if (o.length > 8 && o[7] === 43) o[8] = r.pick([0, 0x0d, 0x0f, r.int(256)]); return o }
}
const NAMES = Object.keys(MUTATORS)

/** A mutant: 1-3 mutators over a seed. */
export const mutateAdu = (seeds: ReadonlyArray<Uint8Array>, r: Rng): { bytes: Uint8Array; how: string } => {
  let b = r.pick(seeds)
  const how: Array<string> = []
  for (let i = 0; i < 1 + r.int(3); i++) {
    const name = r.pick(NAMES)
    b = MUTATORS[name]!(b, r)
    how.push(name)
    if (b.length === 0) break
  }
  return { bytes: b, how: how.join("+") }
}

/** A device's handler context without a listener (registers in a TagStore). */
export const fuzzTarget = (): HandlerContext => {
  const runs = Either.getOrThrow(planRuns(FUZZ_REGISTERS))
  const tags = Effect.runSync(makeTagStore(runs.map(runSpec)))
  return { tags, registers: makeRegisterMap(runs.map((r) => ({ ...r, tag: tags.find(r.name)! }))), units: new Set([1]), identity: new Map([[0, "cpppo"], [1, "fuzz"], [2, "1.0"]]) }
}

export interface ModbusInProcessReport {
  frames: number
  answered: number
  kinds: Map<string, number>
  crashes: Array<{ how: string; input: string; error: string }>
  millis: number
}

export const fuzzModbusInProcess = (n: number, seed: number): ModbusInProcessReport => {
  const r = prng(seed)
  const ctx = fuzzTarget()
  const seeds = modbusSeeds()
  const report: ModbusInProcessReport = { frames: 0, answered: 0, kinds: new Map(), crashes: [], millis: 0 }
  const count = (k: string) => report.kinds.set(k, (report.kinds.get(k) ?? 0) + 1)
  const t0 = Date.now()
  for (let i = 0; i < n; i++) {
    const { bytes, how } = mutateAdu(seeds, r)
    report.frames++
    const crash = (error: string) => report.crashes.push({ how, input: Buffer.from(bytes).toString("hex"), error })
    try {
      const framer = makeMbapFramer()
      let at = 0
      const frames: Array<Uint8Array> = []
      let broken: string | undefined
      while (at < bytes.length && broken === undefined) {
        const step = 1 + r.int(bytes.length - at)
        const p = framer.push(bytes.subarray(at, at + step))
        frames.push(...p.frames)
        broken = p.error
        at += step
      }
      if (broken !== undefined) count("close: broken MBAP")
      if (frames.length === 0 && broken === undefined) count("incomplete: waits")
      for (const f of frames) {
        const out = answerAdu(ctx, f)
        const reply = out instanceof Uint8Array ? out : (() => { const e = Effect.runSyncExit(out); if (Exit.isFailure(e)) throw new Error("handler Effect failed"); return e.value })()
        const back = makeMbapFramer().push(reply)
        if (back.error !== undefined || back.frames.length !== 1) { crash(`reply is not one ADU: ${Buffer.from(reply).toString("hex")}`); continue }
        if (reply[0] !== f[0] || reply[1] !== f[1] || reply[6] !== f[6]) { crash("reply does not echo transaction and unit"); continue }
        const fc = reply[7]!
        if (fc === ((f[7]! | 0x80) & 0xff) && reply.length === 9 && EXCEPTIONS.has(reply[8]!)) { count(`exception ${reply[8]!.toString(16).padStart(2, "0")}`); report.answered++; continue }
        if (fc === f[7] && fc < 0x80) { count(`ok: fc ${fc}`); report.answered++; continue }
        crash(`unexpected reply ${Buffer.from(reply).toString("hex")}`)
      }
    } catch (e) {
      crash(e instanceof Error ? e.stack ?? e.message : String(e))
    }
  }
  report.millis = Date.now() - t0
  return report
}

// --- live ----------------------------------------------------------------------------------------

const here = dirname(fileURLToPath(import.meta.url))

export interface ModbusLiveReport {
  frames: number
  kinds: Map<string, number>
  unanswered: Array<string>
  healthy: { operations: number; verified: number; failures: Array<string> }
  serverAlive: boolean
  millis: number
}

/** Send one mutant on its own connection: "reply fc/code", "close" or "silent". */
const exchange = (port: number, bytes: Uint8Array, ms = 1000): Promise<string> =>
  new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port, noDelay: true })
    const framer = makeMbapFramer()
    const done = (x: string) => { clearTimeout(t); s.destroy(); resolve(x) }
    const t = setTimeout(() => done("silent"), ms)
    s.on("connect", () => s.write(bytes))
    s.on("data", (c) => { const f = framer.push(c).frames[0]; if (f !== undefined) done(f[7]! & 0x80 ? `exception ${f[8]}` : `reply fc ${f[7]}`) })
    s.on("close", () => done("close"))
    s.on("error", () => done("close"))
  })

/** Does the mutant hold one whole, well-formed MBAP frame (which must be answered)? */
const complete = (b: Uint8Array) => b.length >= 8 && b[2] === 0 && b[3] === 0 && 6 + ((b[4]! << 8) | b[5]!) === b.length && b.length - 6 <= 254

export const fuzzModbusLive = async (options: { frames: number; seed: number; workers: number }): Promise<ModbusLiveReport> => {
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "..", "bench", "_modbusdevices.ts"), "1", ...FUZZ_REGISTERS], { stdio: ["ignore", "pipe", "inherit"] })
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("device did not start")), 30_000)
    child.stdout!.on("data", (d: Buffer) => { const m = /:(\d+)/.exec(d.toString()); if (m) { clearTimeout(t); resolve(Number(m[1])) } })
  })
  const r = prng(options.seed)
  const seeds = modbusSeeds()
  const report: ModbusLiveReport = { frames: 0, kinds: new Map(), unanswered: [], healthy: { operations: 0, verified: 0, failures: [] }, serverAlive: true, millis: 0 }
  let stop = false
  const healthy = (async () => {
    let n = 0
    while (!stop) {
      n = (n + 1) & 0xffff
      const write = await exchange(port, encodeAdu(1, 1, encodeRequest({ fc: 6, address: 305, value: n })))
      const read = await new Promise<string>((resolve) => {
        const s = net.connect({ host: "127.0.0.1", port, noDelay: true })
        const t = setTimeout(() => { s.destroy(); resolve("silent") }, 2000)
        s.on("connect", () => s.write(encodeAdu(2, 1, encodeRequest({ fc: 3, address: 305, quantity: 1 }))))
        s.on("data", (c) => { clearTimeout(t); s.destroy(); resolve(c.length >= 11 && c[7] === 3 ? String((c[9]! << 8) | c[10]!) : "bad") })
        s.on("error", () => { clearTimeout(t); resolve("error") })
      })
      report.healthy.operations += 2
      if (write !== "reply fc 6" || read !== String(n)) report.healthy.failures.push(`write ${n}: ${write}, read back ${read}`)
      else report.healthy.verified++
    }
  })()
  const t0 = Date.now()
  await Promise.all(Array.from({ length: options.workers }, async () => {
    while (report.frames < options.frames) {
      report.frames++
      const { bytes, how } = mutateAdu(seeds, r)
      // A frame cut short may wait for its rest: a short look is enough for those.
      const outcome = await exchange(port, bytes, complete(bytes) ? 1000 : 100)
      report.kinds.set(outcome, (report.kinds.get(outcome) ?? 0) + 1)
      if (outcome === "silent" && complete(bytes)) report.unanswered.push(`${how}: ${Buffer.from(bytes).toString("hex").slice(0, 80)}`)
    }
  }))
  report.millis = Date.now() - t0
  stop = true
  await healthy
  report.serverAlive = child.exitCode === null
  child.kill("SIGTERM")
  return report
}
