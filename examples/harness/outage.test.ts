/**
 * The README's outage example reports success: the outage script's own EOF, no reply, reconnect;
 * the operator untouched. Run as a user would (`npx tsx examples/harness/outage.ts`) and in-process.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import { Testing } from "cpppo"
import { outage } from "./outage.js"

describe("harness example: outage", () => {
  it.live("every script passes, the outage script saw its EOF and recovered", () =>
    Effect.gen(function* () {
      const report = yield* outage
      const text = Testing.formatReport(report)
      expect(report.ok, text).toBe(true)
      expect(text.split("\n").at(-1)).toBe("all scripts passed")
      const steps = report.scripts.find((s) => s.name === "outage")!.steps
      expect(steps.map((s) => s.description)).toEqual([
        "fault ForceError ALARM", "read ALARM", "fault ClearError ALARM", "fault Eof (own session)",
        "read ALARM", "reconnect", "read ALARM", "check my HMI logic"
      ])
      expect(steps.every((s) => s.ok)).toBe(true)
    }))

  it("as a program: prints the report ending 'all scripts passed', exit status 0", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "examples/harness/outage.ts"], { encoding: "utf8", timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/✓ operator\n[\s\S]*✓ outage\n[\s\S]*all scripts passed\n$/)
  }, 60_000)
})
