/** Fuzzing the Modbus/TCP server (CI-sized): in-process through framer and handler, and live over TCP. */
import { describe, expect, it } from "vitest"
import { fuzzModbusInProcess, fuzzModbusLive } from "../../scripts/fuzz/modbus.js"

describe("Modbus fuzzing", () => {
  it("20,000 mutant ADUs in-process: no exception escapes, every whole frame gets one well-formed reply or exception", () => {
    const r = fuzzModbusInProcess(20_000, 20261130)
    expect(r.crashes.slice(0, 3)).toEqual([])
    const kinds = [...r.kinds.keys()]
    for (const k of ["exception 01", "exception 02", "exception 03", "exception 0b", "close: broken MBAP", "incomplete: waits"]) expect(kinds).toContain(k)
    expect(kinds.filter((k) => k.startsWith("ok: fc")).length).toBeGreaterThanOrEqual(8)
  }, 60_000)

  it("1,500 mutant ADUs live: each answered or closed, a healthy client never fails, the server lives", async () => {
    const r = await fuzzModbusLive({ frames: 1500, seed: 7, workers: 6 })
    expect(r.serverAlive).toBe(true)
    expect(r.unanswered).toEqual([])
    expect(r.healthy.failures).toEqual([])
    expect(r.healthy.verified).toBeGreaterThan(20)
    expect(r.kinds.get("close") ?? 0).toBeGreaterThan(0)
  }, 90_000)
})
