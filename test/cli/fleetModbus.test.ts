/**
 * `kind: modbus` in a fleet file, as a user runs it: one EtherNet/IP controller and two Modbus/TCP
 * PLCs from one file in one process, each at its own address; registers with `{n}` values read
 * over Modbus/TCP; a write printed (-p) and seen through the web API; per-device counters in
 * /api/controllers and /metrics; `done` on one device stops it alone; Ctrl-C → exit 0, no
 * listener left.
 */
import { describe, expect, it } from "@effect/vitest"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { connectModbus } from "../../src/modbus/client.js"

const root = join(import.meta.dirname, "..", "..")

const FLEET = `
defaults:
  tags: ["SCADA=INT[10]"]
controllers:
  - name: plc
    address: 127.0.5.1:44818
  - name: "pump{n}"
    kind: modbus
    count: 2
    address: 127.0.5.2:5020
    registers: ["40001-40004={n}", "1-8=0"]
`

const refused = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port })
    s.on("connect", () => { s.destroy(); resolve(false) })
    s.on("error", () => resolve(true))
  })

/** Collect stdout; resolve `lines(n)` once it holds n lines, `until(re)` once a line matches. */
const watch = (child: ChildProcess) => {
  let out = ""
  const waiters: Array<() => void> = []
  child.stdout!.on("data", (d) => { out += String(d); for (const w of waiters.splice(0)) w() })
  const wait = <A>(test: () => A | undefined, what: string, ms = 60_000) =>
    new Promise<A>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms: ${out}`)), ms)
      const check = () => {
        const a = test()
        if (a !== undefined) { clearTimeout(t); resolve(a) } else waiters.push(check)
      }
      check()
    })
  const all = () => out.split("\n").filter((l) => l !== "")
  return {
    lines: (n: number) => wait(() => (all().length >= n ? all().slice(0, n) : undefined), `${n} lines`),
    until: (re: RegExp) => wait(() => all().find((l) => re.test(l)), String(re))
  }
}

const readHolding = (host: string, port: number, quantity: number) =>
  Effect.scoped(Effect.gen(function* () {
    const c = yield* connectModbus({ host, port, timeout: 5000 })
    const r = yield* c.request(1, { fc: 3, address: 0, quantity })
    return r._tag === "Registers" ? r.values : []
  }))

describe("cpppo enip fleet with kind: modbus entries", () => {
  it("one file: an EtherNet/IP controller and two Modbus/TCP PLCs, each served at its address, counted, stopped alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-fleet-modbus-"))
    const file = join(dir, "plant.yaml")
    writeFileSync(file, FLEET)
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", "enip", "fleet", "-c", file, "-A", "-p", "-w", "127.0.0.1:0"],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr!.on("data", (d) => { stderr += String(d) })
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve))
    const guard = setTimeout(() => child.kill("SIGKILL"), 110_000)
    try {
      const out = watch(child)
      const lines = await out.lines(4)
      expect(lines.slice(0, 3)).toEqual(["plc 127.0.5.1:44818", "pump1 127.0.5.2:5020", "pump2 127.0.5.3:5020"])
      const web = /^web (\S+)$/.exec(lines[3]!)![1]!

      // Each PLC serves its own registers ({n} in the values); the controller its tags.
      expect(await Effect.runPromise(readHolding("127.0.5.2", 5020, 4))).toEqual([1, 1, 1, 1])
      expect(await Effect.runPromise(readHolding("127.0.5.3", 5020, 4))).toEqual([2, 2, 2, 2])
      await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
        const m = yield* connectModbus({ host: "127.0.5.3", port: 5020, timeout: 5000 })
        const w = yield* m.request(1, { fc: 6, address: 2, value: 4321 })
        expect(w._tag).toBe("Written")
        const c = yield* Client.connect({ host: "127.0.5.1", port: 44818, timeout: "5 seconds" })
        const r = yield* c.processAll(Either.getOrThrow(parseOperations(["SCADA[1]=77"])))
        expect(r.failures).toBe(0)
      })))
      // -p prints each device's I/O under its name, as cpppo modbus server -p does.
      expect(await out.until(/^pump2: .*40003.*4321/)).toBeDefined()
      const value = (await (await fetch(`http://${web}/pump2/api/tags/40001/attribute[2]`)).json()) as any
      expect(value.command.value).toEqual({ "40001": 4321 })

      const controllers = (await (await fetch(`http://${web}/api/controllers`)).json()) as any
      const items = controllers.data.controllers
      expect(Object.keys(items)).toEqual(expect.arrayContaining(["plc", "pump1", "pump2"]))
      expect(items.pump2).toMatchObject({ address: "127.0.5.3:5020", state: "running", product: "Modbus/TCP", requests: 2 })
      expect(items.pump1.requests).toBe(1)
      const metrics = await (await fetch(`http://${web}/metrics`)).text()
      expect(metrics).toMatch(/^cpppo_requests_total\{controller="pump2",service="WriteSingleRegister",status="0x00"\} 1$/m)
      expect(metrics).toMatch(/^cpppo_requests_total\{controller="pump2",service="ReadHoldingRegisters",status="0x00"\} 1$/m)
      expect(metrics).toMatch(/^cpppo_requests_total\{controller="plc",service="WriteTag",status="0x00"\} 1$/m)

      // done on one PLC stops it alone.
      expect(((await (await fetch(`http://${web}/pump1/api/server/control/done=true`)).json()) as any).command.success).toBe(true)
      for (let i = 0; i < 100 && !(await refused("127.0.5.2", 5020)); i++) await new Promise((r) => setTimeout(r, 100))
      expect(await refused("127.0.5.2", 5020)).toBe(true)
      expect(await Effect.runPromise(readHolding("127.0.5.3", 5020, 4))).toEqual([2, 2, 4321, 2])
      expect(await refused("127.0.5.1", 44818)).toBe(false)

      child.kill("SIGINT")
      expect(await exited, stderr).toBe(0)
      for (const [h, p] of [["127.0.5.1", 44818], ["127.0.5.3", 5020]] as const) expect(await refused(h, p)).toBe(true)
    } finally {
      clearTimeout(guard)
      child.kill("SIGKILL")
    }
  }, 120_000)
})
