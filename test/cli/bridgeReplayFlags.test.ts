/**
 * `cpppo enip server` options that feed tags from elsewhere, through the real binary: the Modbus
 * bridge (--modbus, --modbus-unit, --modbus-rate, --modbus-timeout, --modbus-word-order, against
 * `cpppo modbus server` or a listener that never answers) and the replay (--replay with --speed,
 * --loop, --since, --until, read back with `cpppo enip client`).
 */
import { afterEach, describe, expect, it } from "vitest"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { run, type Running, start } from "./cpppo.js"
import { silentBytes } from "./silent.js"

let running: Array<Running> = []
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()))
  running = []
})
const launch = async (args: ReadonlyArray<string>) => {
  const s = start(args)
  running.push(s)
  return { s, address: await s.line(/^127\.0\.0\.1:\d+$/) }
}
const enip = (args: ReadonlyArray<string>) => launch(["enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-U", ...args])
/** `enip client -p TAG…`: each tag's values, or its status text. */
const read = async (address: string, ...tags: Array<string>) => {
  const r = await run(["enip", "client", "-a", address, "-p", ...tags])
  return r.stdout.split("\n").filter((l) => l !== "").map((l) => /== (.*): '(.*)'$/.exec(l)!).map((m) => (m[2] === "OK" ? JSON.parse(m[1]!) as unknown : m[2]))
}
const until = async <A>(f: () => Promise<A>, ok: (a: A) => boolean, ms = 10_000): Promise<A> => {
  const end = Date.now() + ms
  for (;;) {
    const a = await f()
    if (ok(a) || Date.now() > end) return a
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe("cpppo enip server --modbus … (real binary)", () => {
  it("--modbus-word-order: big (the default) puts the high word first, little the low word; --modbus-unit 2 reaches a unit-2 device", async () => {
    const device = await launch(["modbus", "server", "-a", "127.0.0.1:0", "-A", "-u", "2", "40001-40002=1,2"])
    const [big, little, unit1] = await Promise.all([
      enip(["--modbus", device.address, "--modbus-unit", "2", "--modbus-rate", "0.1", "L@40001=DINT"]),
      enip(["--modbus", device.address, "--modbus-unit", "2", "--modbus-rate", "0.1", "--modbus-word-order", "little", "L@40001=DINT"]),
      enip(["--modbus", device.address, "--modbus-rate", "0.1", "L@40001=DINT"])
    ])
    expect(await until(() => read(big.address, "L"), (v) => Array.isArray(v[0]))).toEqual([[0x00010002]])
    expect(await until(() => read(little.address, "L"), (v) => Array.isArray(v[0]))).toEqual([[0x00020001]])
    // The default unit id 1 is not answered by this device: the tag fails, never a made-up value.
    const wrongUnit = await read(unit1.address, "L")
    expect(typeof wrongUnit[0]).toBe("string")
    expect(wrongUnit[0]).toMatch(/^Status 1 /)
  }, 60_000)

  it("--modbus-rate 0.1 polls the registers ten times as often as the default 1 s", async () => {
    const [fastDevice, slowDevice] = await Promise.all([
      launch(["modbus", "server", "-a", "127.0.0.1:0", "-A", "-p", "40001=5"]), launch(["modbus", "server", "-a", "127.0.0.1:0", "-A", "-p", "40001=5"])
    ])
    await Promise.all([
      enip(["--modbus", fastDevice.address, "--modbus-rate", "0.1", "R@40001=INT"]), enip(["--modbus", slowDevice.address, "R@40001=INT"])
    ])
    await new Promise((r) => setTimeout(r, 2500))
    const reads = (s: Running) => s.stdout.filter((l) => /40001 == \[5\]/.test(l)).length
    expect(reads(fastDevice.s)).toBeGreaterThanOrEqual(8)
    expect(reads(slowDevice.s)).toBeLessThanOrEqual(4)
  }, 60_000)

  it("--modbus-timeout 0.1: a device that never answers is asked again after each timeout; with 5 s it is asked once", async () => {
    const listeners = await Promise.all([silentBytes(), silentBytes()])
    try {
      const [quick, patient] = listeners
      await Promise.all([
        enip(["--modbus", `127.0.0.1:${quick!.port}`, "--modbus-timeout", "0.1", "--modbus-rate", "0.1", "R@40001=INT"]),
        enip(["--modbus", `127.0.0.1:${patient!.port}`, "--modbus-timeout", "5", "--modbus-rate", "0.1", "R@40001=INT"])
      ])
      await new Promise((r) => setTimeout(r, 2000))
      expect(quick!.requests()).toBeGreaterThanOrEqual(3)
      expect(patient!.requests()).toBe(1)
    } finally {
      for (const l of listeners) l.close()
    }
  }, 60_000)
})

describe("cpppo enip server --replay … (real binary)", () => {
  // A recording: Count = 1 at 08:00:00, 2 at 08:00:10, 3 at 08:00:20 (as `enip poll --historize` writes).
  const dir = mkdtempSync(join(tmpdir(), "cpppo-replay-flags-"))
  const file = join(dir, "plant.hst")
  writeFileSync(file, [1, 2, 3].map((v, i) => `2026-11-30 08:00:${String(i * 10).padStart(2, "0")}.000\t["Count", [0, 0]]\t{"read": [${v}], "type": "DINT"}`).join("\n") + "\n")

  it("--replay: the state at the start at once, then each record at its time; --speed 100 plays 20 s in 0.2 s", async () => {
    const [normal, fast] = await Promise.all([enip(["--replay", file]), enip(["--replay", file, "--speed", "100"])])
    expect(await read(normal.address, "Count")).toEqual([[1]])
    expect(await until(() => read(fast.address, "Count"), (v) => (v[0] as Array<number>)[0] === 3)).toEqual([[3]])
    expect(await read(normal.address, "Count")).toEqual([[1]]) // 08:00:10 is 10 s away at speed 1
  }, 60_000)

  it("--since 10 starts at the second record; --until 10 stops there; --loop starts over (the web API counts loops)", async () => {
    const [since, stop] = await Promise.all([enip(["--replay", file, "--since", "10"]), enip(["--replay", file, "--speed", "100", "--until", "10"])])
    expect(await read(since.address, "Count")).toEqual([[2]])
    await new Promise((r) => setTimeout(r, 1000))
    expect(await read(stop.address, "Count")).toEqual([[2]])
    const looping = start(["enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-U", "-w", "127.0.0.1:0", "--replay", file, "--speed", "100", "--loop"])
    running.push(looping)
    const web = (await looping.line(/^web /)).split(" ")[1]!
    const loops = async () => {
      const body = await (await fetch(`http://${web}/api/options/replay`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5000) })).json() as { data: { options: { replay: { loops: number } } } }
      return body.data.options.replay.loops
    }
    expect(await until(loops, (n) => n >= 2)).toBeGreaterThanOrEqual(2)
  }, 60_000)
})
