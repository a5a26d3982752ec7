/**
 * `cpppo enip server` usage mistakes: every malformed tag spec, address, delay, route path or size
 * → exactly one line `cpppo: …` on stderr, nothing on stdout, exit status 2, promptly.
 */
import { spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { BIN } from "../cli/cpppo.js" // the real binary, node dist/cli/bin.js

interface Run { readonly code: number | null; readonly stdout: string; readonly stderr: string }

const cli = (args: ReadonlyArray<string>): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "enip", "server", "-U", ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => { stdout += String(d) })
    child.stderr.on("data", (d) => { stderr += String(d) })
    // A usage mistake must not start a server: one still running after 60 s has failed (a hang
    // guard only: each run starts node, which takes seconds on a loaded 2-core machine).
    const t = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("close", (code) => { clearTimeout(t); resolve({ code, stdout, stderr }) })
  })

/** Run in small batches (each run starts node; 2 cores). */
const all = async (cases: ReadonlyArray<ReadonlyArray<string>>): Promise<Array<Run>> => {
  const out: Array<Run> = []
  for (let i = 0; i < cases.length; i += 4) out.push(...(await Promise.all(cases.slice(i, i + 4).map(cli))))
  return out
}

const usage = (r: Run) => ({ code: r.code, lines: r.stderr.trimEnd().split("\n").length, prefix: r.stderr.startsWith("cpppo: "), stdout: r.stdout })
const USAGE = { code: 2, lines: 1, prefix: true, stdout: "" }
const A = ["-a", "127.0.0.1:0"]

describe("cpppo enip server: bad input", () => {
  it("malformed tag specs, addresses, delays, route paths and sizes → one line `cpppo: …`, exit 2", async () => {
    const cases: ReadonlyArray<ReadonlyArray<string>> = [
      [...A, "SCADA=FOO[3]"], [...A, "SCADA=INT[-1]"], [...A, "S=INT[3]x"], [...A, "X@0x/1/1=INT"], [...A, "Program:=INT"],
      ["-a", "127.0.0.1:99999", "S=INT"], ["-a", "[::1", "S=INT"],
      [...A, "-d", "0.9-0.1", "S=INT"], [...A, "-d", "1-2-3", "S=INT"],
      [...A, "--route-path", "1/", "S=INT"], [...A, "--route-path", "abc", "S=INT"], [...A, "-s", "0", "S=INT"]
    ]
    const runs = await all(cases)
    const got = runs.map((r, i) => ({ args: cases[i]!.join(" "), ...usage(r) }))
    expect(got).toEqual(cases.map((c) => ({ args: c.join(" "), ...USAGE })))
    // The message names what was wrong.
    expect(runs[0]!.stderr).toContain("FOO")
    expect(runs[5]!.stderr).toContain("99999")
    expect(runs[7]!.stderr).toContain("0.9-0.1")
    expect(runs[10]!.stderr).toContain("abc")
  }, 300_000)

  // Was a finding (fixed): these usage mistakes exited 1 (duplicate tag names, a placement on a class the
  // controller implements: the TagStore error surfaces at start-up, and it quotes only the tag
  // name, e.g. `cpppo: bad tag spec "a": duplicate tag name a`), or print @effect/cli's own
  // two-line message without the `cpppo:` prefix (`-s abc` → `'abc' is not a integer`).
  it("duplicate tag names, a placement on a controller class, a non-numeric size → exit 2 with one `cpppo:` line", async () => {
    const cases = [[...A, "A=INT", "a=DINT"], [...A, "S@1/1/1=INT"], [...A, "-s", "abc", "S=INT"]]
    const runs = await all(cases)
    expect(runs.map(usage)).toEqual(cases.map(() => USAGE))
  }, 200_000)

  it("structure mistakes: a malformed --udt, an unknown member type, a tag of an undeclared structure, a dotted tag name → exit 2 with one `cpppo:` line", async () => {
    const cases = [
      [...A, "--udt", "Motor{Speed:REAL", "M=Motor"], [...A, "--udt", "Motor{Speed:FLOAT}", "M=Motor"],
      [...A, "--udt", "Motor{Speed:REAL}", "M=Pump"], [...A, "--udt", "Motor{Speed:REAL}", "Line.Pump=Motor"]
    ]
    const runs = await all(cases)
    expect(runs.map(usage)).toEqual(cases.map(() => USAGE))
    expect(runs[0]!.stderr).toContain("expected NAME{Member:TYPE[n],…}")
    expect(runs[1]!.stderr).toContain("unknown type FLOAT")
    expect(runs[2]!.stderr).toContain("or a structure: Motor")
    expect(runs[3]!.stderr).toContain("Program:Name.Tag")
  }, 200_000)
})
