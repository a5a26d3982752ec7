/**
 * `cpppo enip poll` and `cpppo modbus poll` in-process (test/cli/inProcess.ts) against servers on
 * 127.0.0.1 port 0: `--historize FILE` records each change as a history line (time, the tag or
 * register range, the values), and `-l FILE -vv` sends the poller's log lines to FILE.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runCpppo, serveCpppo } from "./inProcess.js"

const STAMP = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`

/** A temp dir for the test's files, removed when its scope closes. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(path.join(os.tmpdir(), "cpppo-pollhist-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

describe("poll --historize and -l in-process", () => {
  it.live("enip poll --historize: one line per change; -l FILE -vv: the log lines in FILE", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const s = yield* serveCpppo("enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "X=INT[3]")
    const [a] = yield* s.lines(1)
    const file = path.join(dir, "e.hst")
    const r = yield* runCpppo("enip", "poll", "-a", a!, "--duration", "0.25", "-R", "0.1", "-q", "--historize", file, "X[0-1]")
    expect(r.out).toMatch(/^Poll summary: .* 1 changes, 0 errors/)
    expect(readFileSync(file, "utf8")).toMatch(new RegExp(`^${STAMP}\\t\\["X", \\[0, 1\\]\\]\\t\\{"read": \\[0, 0\\], "type": "INT"\\}\\n$`))
    const log = path.join(dir, "e.log")
    const logged = yield* runCpppo("enip", "poll", "-a", a!, "--duration", "0.25", "-R", "0.1", "-q", "-l", log, "-vv", "X[0]")
    expect(logged.end).toBe("ok")
    expect(readFileSync(log, "utf8")).toMatch(/DEBUG +EtherNet\/IP session 0x[0-9a-f]+ registered with 127\.0\.0\.1:\d+/)
  }).pipe(Effect.scoped))

  it.live("modbus poll --historize: one line per change of a range", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "40001-40003=1,2,3")
    const [a] = yield* s.lines(1)
    const file = path.join(dir, "m.hst")
    const r = yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.25", "-R", "0.1", "--historize", file, "40001-40003")
    expect(r.out.split("\n")[0]).toBe("         40001-40003 == [1, 2, 3]: 'OK'")
    expect(readFileSync(file, "utf8")).toMatch(new RegExp(`^${STAMP}\\t\\["40001", \\[0, 2\\]\\]\\t\\{"read": \\[1, 2, 3\\]\\}\\n$`))
  }).pipe(Effect.scoped))
})
