/**
 * Interop: pycomm3 1.2.14 (../shared/clients/pycomm3), the most used Python Logix library,
 * against our simulator on 127.0.0.4:44818, each case a small Python script (see
 * pycomm3.cases.ts). Skipped, with one line saying why, when python3 or the clients are missing.
 */
import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import { PYCOMM3_CASES } from "./pycomm3.cases.js"
import { pythonSkip, runPython } from "./python.js"
import { PY_TAGS, readWithClient, type Running, startSimulator } from "./simulator.js"

const HOST = "127.0.0.4"
let sim: Running

describe.skipIf(pythonSkip !== undefined)("pycomm3 against the simulator", () => {
  beforeAll(async () => { sim = await startSimulator({ host: HOST, port: 44818, tags: PY_TAGS, udp: false }) })
  afterAll(async () => { await sim?.stop() })

  for (const c of PYCOMM3_CASES) {
    it(c.name, async () => {
      const python = (code: string) => runPython(code, HOST, sim.port)
      const out = await python(c.code)
      await c.check(out, { host: HOST, port: sim.port, store: sim.store, python, readBack: (ops) => readWithClient(HOST, sim.port, ops) })
    }, 120_000)
  }
})
