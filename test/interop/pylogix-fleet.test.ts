/**
 * pylogix (../shared/clients/pylogix) reads and writes 5 controllers of a fleet, each at its own
 * address on port 44818 (pylogix has no other port by default): every write lands on the right
 * controller, and each reports its own serial number. Skipped when pylogix or python3 is absent.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Logger, LogLevel } from "effect"
import { execFile, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { makeFleet } from "../../src/server/fleet.js"
import { parseFleetConfig } from "../../src/server/fleetConfig.js"

const pylogix = join(import.meta.dirname, "..", "..", "..", "shared", "clients", "pylogix")
const python = spawnSync("python3", ["--version"]).status === 0
const available = existsSync(join(pylogix, "pylogix")) && python
if (!available) console.log(`pylogix fleet test skipped: ${python ? `no pylogix at ${pylogix}` : "python3 not found"}`)

const SCRIPT = `
import json, sys
from pylogix import PLC
out = []
for n in range(1, 6):
    with PLC("127.0.4.%d" % n) as c:
        w = c.Write("SCADA[2]", n * 111)
        r = c.Read("SCADA[2]")
        p = c.GetDeviceProperties()
        out.append({"n": n, "write": w.Status, "read": r.Value, "status": r.Status, "serial": p.Value.SerialNumber if p.Value else None})
print(json.dumps(out))
`

describe.skipIf(!available)("pylogix against a fleet", () => {
  it.live("reads and writes 5 controllers at their own IPs on port 44818", () =>
    Effect.gen(function* () {
      const specs = Either.getOrThrow(parseFleetConfig(`controllers: [{ name: "p{n}", count: 5, address: "127.0.4.1", tags: ["SCADA=INT[10]"], identity: { serial: "0x{n}0" } }]`, "yaml"))
      const fleet = yield* makeFleet(specs)
      // Asynchronously: the fleet answers in this process's event loop.
      const text = yield* Effect.promise(() => new Promise<string>((resolve, reject) => {
        execFile("python3", ["-c", SCRIPT], { env: { ...process.env, PYTHONPATH: pylogix }, encoding: "utf8", timeout: 60_000 },
          (e, stdout, stderr) => (e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve(stdout)))
      }))
      const results = JSON.parse(text) as Array<{ n: number; write: string; read: number; status: string; serial: string }>
      expect(results.map((r) => [r.write, r.status, r.read])).toEqual([1, 2, 3, 4, 5].map((n) => ["Success", "Success", n * 111]))
      expect(results.map((r) => Number.parseInt(String(r.serial), 16))).toEqual([0x10, 0x20, 0x30, 0x40, 0x50])
      for (const [n, sim] of [...fleet.controllers.values()].entries()) expect(yield* sim.tags.read("SCADA", 0, 3)).toEqual([0, 0, (n + 1) * 111])
    }).pipe(Effect.scoped, Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))), 120_000)
})
