import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Client } from "../../src/client/client.js"
import { formatReport, harnessSimulator, runAgainstSimulator, runHarness } from "../../src/testing/harness.js"
import { fault, step } from "../../src/testing/script.js"

describe("scripted harness", () => {
  it.live("concurrent scripts, expectations, forced errors, delay and EOF faults, all in the report", () =>
    Effect.gen(function* () {
      const report = yield* runAgainstSimulator(["SCADA=INT[100]", "TEMP=REAL", "MOTOR=DINT"], [
        {
          name: "hmi writes and reads back",
          steps: [
            step.write("SCADA[0-2]", [1, 2, 3]),
            step.read("SCADA[0-2]", [1, 2, 3]),
            step.write("TEMP", [21.5], { type: "REAL" }),
            step.read("TEMP", { values: (v) => Math.abs((v[0] as number) - 21.5) < 1e-6 }),
            step.read("Missing", { status: 0x05 })
          ]
        },
        {
          name: "faults",
          client: { timeout: "300 millis" },
          steps: [
            step.fault(fault.forceError("MOTOR", 0xff, [0x2105])),
            step.read("MOTOR", { status: 0xff }),
            step.fault(fault.clearError("MOTOR")),
            step.read("MOTOR", [0]),
            step.fault(fault.delay(0.6)),
            step.read("MOTOR", { noReply: true }),
            step.fault(fault.delay(0)),
            step.pause("400 millis"),
            step.fault(fault.eof()),
            step.pause("50 millis"),
            step.read("MOTOR", { noReply: true }),
            step.reconnect(),
            step.read("MOTOR", [0]),
            step.check("a custom check with the client", (c) => Effect.map(c.read("SCADA[99]"), (v) => (v as ReadonlyArray<number>)[0] === 0))
          ]
        }
      ])
      const text = formatReport(report)
      expect(report.scripts.map((s) => [s.name, s.ok])).toEqual([["hmi writes and reads back", true], ["faults", true]])
      expect(report.ok).toBe(true)
      expect(text).toContain("✓ faults")
      expect(report.scripts[1]!.steps).toHaveLength(14)
    }))

  it.live("a wrong expectation fails its step, not the run; the report says what was seen", () =>
    Effect.gen(function* () {
      const report = yield* runHarness([
        { name: "wrong", steps: [step.write("X[0-1]", [5, 6]), step.read("X[0-1]", [5, 7]), step.read("X[1]", [6])], repeat: 2 }
      ])
      expect(report.ok).toBe(false)
      const s = report.scripts[0]!
      expect(s.steps.map((r) => r.ok)).toEqual([true, false, true, true, false, true])
      expect(s.steps[1]!.detail).toBe("expected [5, 7], got [5, 6]")
      expect(formatReport(report)).toMatch(/✗ +\d+ms read X\[0-1\] → \[5, 6\]  \(expected \[5, 7\], got \[5, 6\]\)/)
    }).pipe(Effect.provide(harnessSimulator(["X=DINT[2]"]))))

  it.live("disable and enable: the script sees the outage and recovers", () =>
    Effect.gen(function* () {
      const report = yield* runAgainstSimulator(["Y=INT"], [{
        name: "outage",
        client: { timeout: "500 millis" },
        steps: [
          step.read("Y", [0]),
          step.fault(fault.disable()),
          step.pause("100 millis"),
          step.read("Y", { noReply: true }),
          step.fault(fault.enable()),
          step.pause("200 millis"),
          step.reconnect(),
          step.read("Y", [0])
        ]
      }])
      expect(report.scripts[0]!.steps.map((r) => `${r.description}:${r.ok}`)).toEqual([
        "read Y:true", "fault Disable:true", "pause 100ms:true", "read Y:true", "fault Enable:true", "pause 200ms:true", "reconnect:true", "read Y:true"
      ])
    }))

  it.live("the client is usable directly next to the harness (same simulator context)", () =>
    Effect.gen(function* () {
      const { EnipServer } = yield* Effect.promise(() => import("../../src/server/simulator.js"))
      const { address } = yield* EnipServer
      const c = yield* Client.connect({ host: "127.0.0.1", port: address.port })
      yield* c.write("Z", [9])
      const report = yield* runHarness([{ name: "sees 9", steps: [step.read("Z", [9])] }])
      expect(report.ok).toBe(true)
    }).pipe(Effect.scoped, Effect.provide(harnessSimulator(["Z=INT"]))))
})
