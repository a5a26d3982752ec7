/**
 * Interop: pylogix 1.1.5 (../shared/clients/pylogix), a widely used Python Logix library,
 * against our simulator on 127.0.0.5:44818, each case a small Python script (see
 * pylogix.cases.ts). Skipped, with one line saying why, when python3 or the clients are missing.
 */
import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import { PYLOGIX_CASES } from "./pylogix.cases.js"
import { pythonSkip, runPython } from "./python.js"
import { PY_TAGS, readWithClient, type Running, startSimulator } from "./simulator.js"

const HOST = "127.0.0.5"
let sim: Running

describe.skipIf(pythonSkip !== undefined)("pylogix against the simulator", () => {
  beforeAll(async () => { sim = await startSimulator({ host: HOST, port: 44818, tags: PY_TAGS, udp: false }) })
  afterAll(async () => { await sim?.stop() })

  for (const c of PYLOGIX_CASES) {
    it(c.name, async () => {
      const python = (code: string) => runPython(code, HOST, sim.port)
      const out = await python(c.code)
      await c.check(out, { host: HOST, port: sim.port, store: sim.store, python, readBack: (ops) => readWithClient(HOST, sim.port, ops) })
    }, 120_000)
  }
})
