/**
 * The bridge: a simulated Logix controller whose tags live in a Modbus device's registers. An
 * EtherNet/IP client reads them from the poll cache, writes reach the device, a down device
 * gives CIP status 0x01/[0x0204] (never a stale value), and both word orders round-trip.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Layer, Logger, LogLevel, type Scope } from "effect"
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Client, type ClientService } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { fromRegisters, modbusBridgeLayer, parseBridgeSpec, toRegisters, type WordOrder } from "../../src/modbus/bridge.js"
import { EnipServer, SimulatorLive } from "../../src/server/simulator.js"
import { sleep, withDevice } from "./helpers.js"
import { BIN } from "../cli/cpppo.js" // the real binary, node dist/cli/bin.js

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const CLIENTS = `${ROOT}../shared/clients`
const SPECS = ["Speed@40001=REAL", "Running@1=BOOL", "Counts@40010=DINT[4]", "Level@30001=INT", "Alarm@10001=BOOL[2]", "SCADA=INT[4]"]

/** Run `f` with an EtherNet/IP simulator bridged to a Modbus device on `port`. */
const withBridge = <A>(port: number, order: WordOrder, f: (c: ClientService, enipPort: number) => Effect.Effect<A, unknown, Scope.Scope>) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function* () {
    const bridged = SPECS.filter((s) => /@\d+=/.test(s)).map((s) => Either.getOrThrow(parseBridgeSpec(s)))
    const tags = SPECS.map((s) => bridged.find((b) => b.text === s)?.spec ?? s)
    const sim = SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, tags }).pipe(
      Layer.provide(modbusBridgeLayer({ host: "127.0.0.1", port, rate: 0.2, timeout: 300, backoff: { min: 50, max: 200 }, wordOrder: order }, bridged)))
    const ctx = yield* Layer.build(sim)
    const enipPort = Context.get(ctx, EnipServer).address.port
    const c = yield* Client.connect({ host: "127.0.0.1", port: enipPort, timeout: "3 seconds" })
    return yield* f(c, enipPort)
  })).pipe(Effect.provide(Logger.minimumLogLevel(LogLevel.None))))

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const values = (c: ClientService, ...s: Array<string>) => Effect.map(c.processAll(ops(...s)), (r) => r.transactions.map((t) => (t.ok ? t.values : { status: t.status, ext: t.extStatus })))

describe("Modbus registers as Logix tags", () => {
  it("registers round-trip through both word orders", () => {
    for (const order of ["big", "little"] as const) {
      for (const [type, v] of [["REAL", [1.5, -2.25]], ["DINT", [-2, 0x12345678]], ["UDINT", [4294967295]], ["LREAL", [1e300]], ["LINT", [-9007199254740993n]], ["INT", [-1, 5]]] as const) {
        expect(fromRegisters(type, toRegisters(type, v, order), order)).toEqual(v)
      }
    }
    expect(toRegisters("DINT", [0x12345678], "big")).toEqual([0x1234, 0x5678])
    expect(toRegisters("DINT", [0x12345678], "little")).toEqual([0x5678, 0x1234])
    expect(toRegisters("REAL", [1], "big")).toEqual([0x3f80, 0])
    expect(Either.isLeft(parseBridgeSpec("X@1=REAL"))).toBe(true) // a coil holds only BOOL
    expect(Either.isLeft(parseBridgeSpec("X@40001=BOOL"))).toBe(true)
    expect(Either.isLeft(parseBridgeSpec("X@40001=STRING"))).toBe(true)
  })

  for (const order of ["big", "little"] as const) {
    it(`reads from the poll cache and forwards writes (word order ${order})`, async () => {
      const speed = toRegisters("REAL", [12.5], order)
      const counts = toRegisters("DINT", [1, -2, 70000, 4], order)
      await withDevice({ registers: [`40001=${speed.join(",")}`, `40010=${counts.join(",")}`, "1=1", "30001=65535", "10001-10002=0"] }, (d) =>
        withBridge(d.address.port, order, (c) => Effect.gen(function* () {
          yield* Effect.promise(() => sleep(700))
          // Alarm (BOOL[2]) is a BOOL array as on a controller: one DWORD, read by bits.
          expect(yield* values(c, "Speed", "Running", "Counts[0-3]", "Level", "Alarm[0]", "Alarm[0].1")).toEqual([[12.5], [true], [1, -2, 70000, 4], [-1], [0], [false]])
          const w = yield* c.processAll(ops("Speed=(REAL)99.25", "Counts[2]=(DINT)-123456", "Running=(BOOL)0"))
          expect(w.failures).toBe(0)
          // The device has the values, in its own registers and word order.
          expect(fromRegisters("REAL", (yield* d.tags.read("40001", 0, 2)) as Array<number>, order)).toEqual([99.25])
          expect(fromRegisters("DINT", (yield* d.tags.read("40010", 4, 2)) as Array<number>, order)).toEqual([-123456])
          expect(yield* d.tags.read("1", 0, 1)).toEqual([false])
          // … and an EtherNet/IP read right after the write sees them.
          expect(yield* values(c, "Speed", "Counts[2]", "Running")).toEqual([[99.25], [-123456], [false]])
          // A change made on the device shows within a poll period or two.
          yield* d.tags.write("40001", 0, toRegisters("REAL", [-7], order))
          yield* Effect.promise(() => sleep(700))
          expect(yield* values(c, "Speed")).toEqual([[-7]])
          // Read-only tables refuse writes with "attribute not settable".
          expect(yield* values(c, "Level=(INT)1")).toEqual([{ status: 0x0e, ext: [] }])
        })))
    })
  }

  it("a down device gives CIP 0x01/[0x0204], never a stale value; a Modbus exception maps to its CIP status", async () => {
    await withDevice({ registers: ["40001-40002=0,0", "40010-40017=0", "1=1", "30001=1", "10001-10002=0"] }, (d) =>
      withBridge(d.address.port, "big", (c) => Effect.gen(function* () {
        yield* Effect.promise(() => sleep(700))
        expect(yield* values(c, "Speed", "SCADA[0]")).toEqual([[0], [0]])
        yield* d.tags.setError("40001", { status: 2 }) // the device answers exception 02 for these registers
        expect(yield* values(c, "Speed=(REAL)1")).toEqual([{ status: 0x05, ext: [] }])
        yield* d.tags.setError("40001", undefined)
        yield* d.control.setDisabled(true)
        yield* Effect.promise(() => sleep(500))
        expect(yield* values(c, "Speed", "Counts[0]", "Running", "SCADA[0]")).toEqual([
          { status: 0x01, ext: [0x0204] }, { status: 0x01, ext: [0x0204] }, { status: 0x01, ext: [0x0204] }, [0]])
        expect(yield* values(c, "Speed=(REAL)3")).toEqual([{ status: 0x01, ext: [0x0204] }])
        yield* d.control.setDisabled(false)
        yield* Effect.promise(() => sleep(1200))
        expect(yield* values(c, "Speed")).toEqual([[0]])
      })))
  })

  it.skipIf(!existsSync(`${CLIENTS}/pycomm3`) || !existsSync(`${CLIENTS}/pylogix`) || !existsSync("/usr/bin/python3"))("pycomm3 reads and pylogix writes bridged tags of `cpppo enip server --modbus`", async () => {
    await withDevice({ registers: ["40001=0x4148,0", "1=0"] }, async (d) => {
      const { spawn } = await import("node:child_process")
      const server = spawn(process.execPath, [BIN, "enip", "server", "-a", "127.0.0.1:0", "-A", "-U",
        "--modbus", `127.0.0.1:${d.address.port}`, "--modbus-rate", "0.1", "Speed@40001=REAL", "Running@1=BOOL"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })
      try {
        const port = await new Promise<number>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error("enip server did not start")), 20_000)
          server.stdout!.on("data", (b: Buffer) => { const m = /:(\d+)/.exec(b.toString()); if (m) { clearTimeout(t); resolve(Number(m[1])) } })
        })
        await sleep(500)
        const script = `
from pycomm3 import LogixDriver
with LogixDriver('127.0.0.1:${port}/1/0') as plc:
    print(plc.read('Speed').value)
from pylogix import PLC
with PLC('127.0.0.1') as c:
    c.Port = ${port}
    print(c.Write('Speed', 2.5).Status)
    print(c.Write('Running', True).Status)
    print(c.Read('Speed').Value, c.Read('Running').Value)
`
        const out = await new Promise<string>((resolve) => {
          execFile("/usr/bin/python3", ["-c", script], { env: { ...process.env, PYTHONPATH: `${CLIENTS}/pycomm3:${CLIENTS}/pylogix` }, timeout: 20_000 }, (_e, so, se) => resolve(so + se))
        })
        expect(out.trim().split("\n")).toEqual(["12.5", "Success", "Success", "2.5 True"])
        expect(await Effect.runPromise(d.tags.read("40001", 0, 2))).toEqual([0x4020, 0])
      } finally {
        server.kill("SIGINT")
      }
    })
  })
})
