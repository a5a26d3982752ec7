/**
 * `cpppo enip server` as a user runs it (a child process): one-line errors with a non-zero exit
 * for bad options, `-A` printing the bound address, `-p` printing tag I/O, and a clean exit on
 * SIGINT. Always bound to 127.0.0.1 port 0.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type Run, runCli } from "../cli/run.js"
import { cipOf, nextFrame, rawClient, readTagCip, register, sendRR, writeIntCip } from "./fixture.js"

const run = (args: ReadonlyArray<string>): Run => runCli(["enip", "server", ...args])

/** The child, killed (by its own pid) if the test ends first. */
const scopedRun = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(Effect.sync(() => run(args)), (r) => Effect.sync(() => { if (r.child.exitCode === null) r.child.kill("SIGKILL") }))

describe("cpppo enip server (CLI)", () => {
  it.scopedLive("bad tag spec, address, delay or route path → one line on stderr, non-zero exit, nothing on stdout", () =>
    Effect.gen(function* () {
      const cases: Array<[ReadonlyArray<string>, RegExp]> = [
        [["-a", "127.0.0.1:0", "BAD=FOO[3]"], /BAD=FOO\[3\].*unknown type/],
        [["-a", "127.0.0.1:99999", "SCADA=INT"], /invalid address "127\.0\.0\.1:99999"/],
        [["-a", "127.0.0.1:0", "-d", "0.5-x", "SCADA=INT"], /invalid delay "0\.5-x"/],
        [["-a", "127.0.0.1:0", "--route-path", "1/0/2", "SCADA=INT"], /invalid route path "1\/0\/2"/]
      ]
      const runs = yield* Effect.all(cases.map(([args]) => scopedRun(args)))
      for (let i = 0; i < cases.length; i++) {
        const r = runs[i]!
        const code = yield* Effect.promise(() => r.exit)
        expect(code, cases[i]![0].join(" ")).not.toBe(0)
        expect(typeof code).toBe("number")
        const lines = r.stderr().trim().split("\n")
        expect(lines, r.stderr()).toHaveLength(1)
        expect(lines[0]).toMatch(cases[i]![1])
        expect(r.stdout.filter((l) => l.trim() !== "")).toEqual([])
      }
    }), 60_000)

  it.scopedLive("-A prints host:port first; -p prints reads and writes; SIGINT exits 0 promptly", () =>
    Effect.gen(function* () {
      const r = yield* scopedRun(["-a", "127.0.0.1:0", "-A", "-p", "SCADA=INT[10]"])
      const first = yield* Effect.promise(() => r.line(/./))
      expect(r.stdout[0]).toBe(first)
      const m = /^127\.0\.0\.1:(\d+)$/.exec(first)
      expect(m, first).not.toBeNull()
      const port = Number(m![1])
      expect(port).toBeGreaterThan(0)
      const c = yield* rawClient(port)
      const s = yield* register(c)
      c.send(sendRR(s, writeIntCip("SCADA", [99], 1)))
      expect(cipOf(yield* nextFrame(c))).toBe("cd000000")
      c.send(sendRR(s, readTagCip("SCADA", 4, 0)))
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000" + "6300" + "0000" + "0000")
      yield* Effect.promise(() => r.line(/SCADA\[ +0-3 +\] == /))
      expect(r.stdout).toContain("               SCADA[    0-3    ] == [0, 99, 0, 0]")
      const write = yield* Effect.promise(() => r.line(/SCADA\[ +1-1 +\] <= /))
      expect(write).toBe("               SCADA[    1-1    ] <= [99]")
      c.close()
      const t0 = performance.now()
      r.child.kill("SIGINT")
      const code = yield* Effect.promise(() => r.exit)
      expect(code).toBe(0)
      expect(performance.now() - t0).toBeLessThan(5000)
      expect(r.stderr()).toBe("")
    }), 60_000)
})
