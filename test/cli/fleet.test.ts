/**
 * `cpppo enip fleet` as users run it: 5 controllers from the command line at 127.0.2.1…5:44818,
 * -A lines, each answering at its own address, the web API and /metrics, Ctrl-C → exit 0 and no
 * listener left; a bad fleet file → one `cpppo:` line naming the entry and field, exit 2; --list
 * with --shard prints that shard without starting anything.
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

const root = join(import.meta.dirname, "..", "..")
const cpppo = (args: ReadonlyArray<string>) =>
  spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", "enip", "fleet", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] })

const finished = (child: ChildProcess, ms = 30_000) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    let stdout = ""
    let stderr = ""
    child.stdout!.on("data", (d) => { stdout += String(d) })
    child.stderr!.on("data", (d) => { stderr += String(d) })
    const t = setTimeout(() => child.kill("SIGKILL"), ms)
    child.on("close", (code) => { clearTimeout(t); resolve({ code, stdout, stderr }) })
  })

/** Resolve with stdout once it holds `lines` lines. */
const linesOf = (child: ChildProcess, lines: number, ms = 60_000) =>
  new Promise<Array<string>>((resolve, reject) => {
    let out = ""
    const t = setTimeout(() => reject(new Error(`no ${lines} lines within ${ms} ms: ${out}`)), ms)
    child.stdout!.on("data", (d) => {
      out += String(d)
      const all = out.split("\n").filter((l) => l !== "")
      if (all.length >= lines) { clearTimeout(t); resolve(all) }
    })
    child.on("close", (code) => reject(new Error(`exited ${code} before listening: ${out}`)))
  })

const refused = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port })
    s.on("connect", () => { s.destroy(); resolve(false) })
    s.on("error", () => resolve(true))
  })

describe("cpppo enip fleet", () => {
  it("--count 5 --address 127.0.2.1: five controllers at their own addresses; web, metrics; Ctrl-C exits 0 and frees every port", async () => {
    const child = cpppo(["--count", "5", "--address", "127.0.2.1", "-A", "-w", "127.0.0.1:0", "--serial", "0x100", "SCADA=INT[10]"])
    const done = finished(child, 90_000)
    const lines = await linesOf(child, 6)
    expect(lines.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((n) => `plc${n} 127.0.2.${n}:44818`))
    const web = /^web (\S+)$/.exec(lines[5]!)![1]!
    const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
    await Effect.runPromise(Effect.forEach([1, 2, 3, 4, 5], (n) => Effect.scoped(Effect.gen(function* () {
      const c = yield* Client.connect({ host: `127.0.2.${n}`, port: 44818, timeout: "5 seconds" })
      const w = yield* c.processAll(ops(`SCADA[0]=${n * 3}`))
      expect(w.failures).toBe(0)
    }))))
    const api = (await (await fetch(`http://${web}/api/tags/SCADA/attribute[0]`)).json()) as any
    expect(api.command.value).toEqual({ "plc1/SCADA": 3, "plc2/SCADA": 6, "plc3/SCADA": 9, "plc4/SCADA": 12, "plc5/SCADA": 15 })
    const controllers = (await (await fetch(`http://${web}/api/controllers`)).json()) as any
    expect(Object.values(controllers.data.controllers).map((c: any) => c.serial)).toEqual([0x101, 0x102, 0x103, 0x104, 0x105])
    const metrics = await (await fetch(`http://${web}/metrics`)).text()
    for (const n of [1, 2, 3, 4, 5]) expect(metrics).toMatch(new RegExp(`^cpppo_requests_total\\{controller="plc${n}",service="WriteTag",status="0x00"\\} 1$`, "m"))
    expect((await fetch(`http://${web}/healthz`)).status).toBe(200)
    child.kill("SIGINT")
    const r = await done
    expect(r.code).toBe(0)
    for (const n of [1, 2, 3, 4, 5]) expect(await refused(`127.0.2.${n}`, 44818)).toBe(true)
  }, 120_000)

  it("a bad fleet file: one line naming the entry and the field, exit 2, nothing listens; --list --shard prints a shard", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-fleet-"))
    const bad = join(dir, "bad.yaml")
    writeFileSync(bad, "controllers:\n  - name: a\n    address: 127.0.2.20\n  - name: b\n    address: 127.0.2.21\n    identity: { vendor: lots }\n")
    const good = join(dir, "plant.json")
    writeFileSync(good, JSON.stringify({ controllers: [{ name: "line{n}", count: 10, address: "127.0.2.31" }] }))
    const [r, list, mixed] = await Promise.all([
      finished(cpppo(["--config", bad])),
      finished(cpppo(["--config", good, "--shard", "cpppo-fleet-1/3", "--list"])),
      finished(cpppo(["--config", good, "SCADA=INT"]))
    ])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr.trimEnd().split("\n")).toEqual([`cpppo: ${bad}: controllers[1] (b): identity.vendor: expected a vendor id (an integer 0..65535), got "lots"`])
    expect(await refused("127.0.2.20", 44818)).toBe(true)
    expect(list.code).toBe(0)
    expect(list.stdout.trimEnd().split("\n")).toEqual(["line4 127.0.2.34:44818", "line5 127.0.2.35:44818", "line6 127.0.2.36:44818"])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toMatch(/^cpppo: TAG…: with --config, controller options go in the file/)
  }, 120_000)

  it("--udt: every controller serves the structures; a bad definition is one cpppo: line, exit 2", async () => {
    const child = cpppo(["--count", "2", "--address", "127.0.2.51", "-A", "--udt", "Motor{Speed:REAL,Running:BOOL,Faults:DINT[4]}", "M=Motor[4]"])
    const done = finished(child, 90_000)
    const bad = finished(cpppo(["--udt", "Motor{Speed:FLOAT}", "M=Motor"]))
    expect(await linesOf(child, 2)).toEqual(["plc1 127.0.2.51:44818", "plc2 127.0.2.52:44818"])
    const values = await Effect.runPromise(Effect.forEach([1, 2], (n) => Effect.scoped(Effect.gen(function* () {
      const c = yield* Client.connect({ host: `127.0.2.5${n}`, port: 44818, timeout: "5 seconds" })
      yield* c.write("M[2].Faults[1]", [n * 10], "DINT")
      return yield* c.read("M[2]")
    }))))
    expect(values).toEqual([1, 2].map((n) => [{ Speed: 0, Running: false, Faults: [0, n * 10, 0, 0] }]))
    child.kill("SIGINT")
    expect((await done).code).toBe(0)
    const r = await bad
    expect(r.code).toBe(2)
    expect(r.stderr.trimEnd().split("\n")).toEqual(["cpppo: bad structure Motor: member Speed has unknown type FLOAT (an atomic type, STRING, or a structure declared before Motor)"])
  }, 120_000)
  it("signals: in a fleet file, {n} varying each controller's; a bad one names the entry and field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-fleet-signals-"))
    const file = join(dir, "fleet.yaml")
    writeFileSync(file, [
      "defaults: { tags: [Level=REAL, Count=DINT] }",
      "controllers:",
      "  - { name: \"tank{n}\", count: 2, address: 127.0.2.61, signals: [\"Level = {n} * 100 + 0.5\", \"Count = counter(start={n}, step=0)\"] }",
      ""
    ].join("\n"))
    const badFile = join(dir, "bad.yaml")
    writeFileSync(badFile, "controllers:\n  - { name: a, address: 127.0.2.70, tags: [Level=REAL], signals: [\"Level=sin(\"] }\n")
    const child = cpppo(["-c", file, "-A"])
    const done = finished(child, 90_000)
    const bad = finished(cpppo(["-c", badFile]))
    expect(await linesOf(child, 2)).toEqual(["tank1 127.0.2.61:44818", "tank2 127.0.2.62:44818"])
    const values = await Effect.runPromise(Effect.forEach([1, 2], (n) => Effect.scoped(Effect.gen(function* () {
      const c = yield* Client.connect({ host: `127.0.2.6${n}`, port: 44818, timeout: "5 seconds" })
      return [yield* c.read("Level"), yield* c.read("Count")]
    }))))
    // Generated before the controller listens: the first read already sees each controller's own value.
    expect(values).toEqual([[[100.5], [1]], [[200.5], [2]]])
    child.kill("SIGINT")
    expect((await done).code).toBe(0)
    const r = await bad
    expect(r.code).toBe(2)
    expect(r.stderr.trimEnd().split("\n")).toEqual([`cpppo: ${badFile}: controllers[0] (a): signals[0]: bad signal "Level=sin(": expected a value, found the end at position 11`])
  }, 120_000)

  it("--signal on the command line: every controller's, {n} varying it; --replay is refused, --paused needs a signal", async () => {
    const child = cpppo(["--count", "2", "--address", "127.0.2.81", "-A", "--signal", "Count = counter(start={n}, step=0)", "--signal-rate", "0.05", "Count=DINT"])
    try {
      const done = finished(child, 90_000)
      const listening = linesOf(child, 2)
      const refusedRuns = await Promise.all([
        finished(cpppo(["--count", "2", "--replay", "x.jsonl", "Count=DINT"]), 90_000),
        finished(cpppo(["--count", "2", "--paused", "Count=DINT"]), 90_000),
        finished(cpppo(["-c", "plant.yaml", "--signal", "Count=1"]), 90_000)
      ])
      expect(await listening).toEqual(["plc1 127.0.2.81:44818", "plc2 127.0.2.82:44818"])
      const values = await Effect.runPromise(Effect.forEach([1, 2], (n) => Effect.scoped(Effect.gen(function* () {
        const c = yield* Client.connect({ host: `127.0.2.8${n}`, port: 44818, timeout: "5 seconds" })
        return yield* c.read("Count")
      }))))
      expect(values).toEqual([[1], [2]])
      child.kill("SIGINT")
      expect((await done).code).toBe(0)
      const [replay, paused, withFile] = refusedRuns.map((r) => ({ code: r.code, lines: r.stderr.trimEnd().split("\n") }))
      expect(replay!.code).toBe(2)
      expect(replay!.lines).toHaveLength(1)
      expect(replay!.lines[0]).toMatch(/^cpppo: .*--replay/)
      expect(paused).toEqual({ code: 2, lines: ["cpppo: --paused goes with --signal (or signals: in the fleet file)"] })
      expect(withFile).toEqual({ code: 2, lines: ["cpppo: --signal: with --config, controller options go in the file (its defaults: or entries)"] })
    } finally {
      child.kill("SIGKILL") // a failed expectation must not leave the fleet running
    }
  }, 120_000)
})
