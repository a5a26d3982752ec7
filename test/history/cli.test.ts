import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Console, Effect, Exit, Fiber, Option, TestClock } from "effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { cli } from "../../src/cli/main.js"
import { BIN } from "../cli/cpppo.js" // the real binary, node dist/cli/bin.js

const run = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const out: Array<string> = []
    const err: Array<string> = []
    const base = yield* Effect.console
    const console: Console.Console = {
      ...base,
      log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => { out.push(a.join(" ")) }),
      error: (...a: ReadonlyArray<unknown>) => Effect.sync(() => { err.push(a.join(" ")) })
    }
    const exit = yield* cli(["node", "cpppo", "history", ...args]).pipe(Effect.withConsole(console), Effect.provide(NodeContext.layer), Effect.exit)
    // bin.ts prints a failure's message as the one error line
    const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
    const message = Option.isSome(failure) && typeof failure.value === "object" && failure.value !== null && "message" in failure.value
      ? String(failure.value.message)
      : undefined
    const tag = Option.isSome(failure) && typeof failure.value === "object" && failure.value !== null && "_tag" in failure.value
      ? String(failure.value._tag)
      : undefined
    // `logs`: each Console.log call's text as printed (`out`: its lines, empty ones left out)
    return { exit, out: out.join("\n").split("\n").filter((l) => l !== ""), logs: out, err, message, tag }
  })

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-history-cli-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)
const REC = [
  `2014-07-16 04:03:44.186\t["SCADA", [0, 3]]\t{"write": [0, 1, 2, 3]}`,
  `2014-07-16 04:03:45.186\t["SCADA", [0, 0]]\t{"read": [0]}`,
  `2014-07-16 04:03:46.500\t["SCADA", [0, 3]]\t{"write": [4, 5, 6, 7]}`,
  `2014-07-16 04:03:50.000\t["TEXT", [0, 0]]\t{"error": "nope"}`
]
const series = (dir: string) => {
  const file = path.join(dir, "h.hst")
  fs.writeFileSync(`${file}.1.gz`, zlib.gzipSync(`# rotated\n${REC[0]}\n${REC[1]}\n`))
  fs.writeFileSync(file, `${REC[2]}\ncorrupt!\n${REC[3]}\n`)
  return file
}

describe("cpppo history", () => {
  // First in the file: historyRun.ts is loaded (import()) by the first history command a test file
  // runs, and its top-level declarations (fail, render, runCat, runPlay, runStats, …) are evaluated
  // then: a mutation run credits them to that test alone, and this one runs cat (a good one first),
  // play and stats, and reaches fail.
  it.scoped("mistakes fail with a one-line message (printed by bin.ts)", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = series(dir)
      // The file itself reads well: the mistakes below are the command lines'.
      const good = yield* run(["cat", file])
      expect([good.out, good.err]).toEqual([REC, ["1 corrupt record skipped"]])
      const cases: Array<[Array<string>, RegExp]> = [
        [["cat", path.join(dir, "missing")], /^history cat: open .*missing: no such file$/],
        [["stats", path.join(dir, "missing")], /^history stats: open .*missing: no such file$/],
        [["cat", "--since", "yesterday", file], /^history cat: invalid timestamp "yesterday"/],
        [["cat", "--tz", "Mars/Olympus", file], /^history cat: unknown time zone "Mars\/Olympus"$/],
        [["cat", "--bogus", file], /^unknown option --bogus for "cpppo history cat"/],
        // After `--` the argv check lets it through: a FILE that starts with "-" and is no file
        [["cat", "--", "-x"], /^history cat: unknown option -x$/],
        [["cat", "--region", "ZZ", "--since", "2014-07-16 04:00:00 MDT", file], /^history cat: unknown time zone region "ZZ"$/],
        [["play", "--duration", "soon", file], /^history play: invalid duration "soon"/],
        [["play", "--speed", "0", file], /^history play: --speed must be a number > 0/],
        [["play", "--speed", "fast", file], /^history play: --speed must be a number > 0/],
        [["cat", "--since", "2014-07-16 12:00 IST", "--region", "IN,IE", file], /ambiguous time zone abbreviation IST/]
      ]
      for (const [args, pattern] of cases) {
        const r = yield* run(args)
        expect(Exit.isFailure(r.exit), args.join(" ")).toBe(true)
        expect(r.message).toMatch(pattern)
        expect(r.message).not.toContain("\n")
        // A typed failure (Effect.catchTag): the command's own, or the argv check's usage mistake.
        expect(r.tag, args.join(" ")).toBe(args.includes("--bogus") ? "UsageError" : "HistoryCliError")
      }
    }))

  it.scoped("cat prints a series (with its rotations) in time order", () =>
    Effect.gen(function* () {
      const file = series(yield* tempDir)
      const r = yield* run(["cat", file])
      expect(Exit.isSuccess(r.exit)).toBe(true)
      expect(r.out).toEqual(REC)
      expect(r.err).toEqual(["1 corrupt record skipped"])
    }))

  it.scoped("cat --since/--until/--tz render and select in a zone", () =>
    Effect.gen(function* () {
      const file = series(yield* tempDir)
      const r = yield* run(["cat", "--tz", "America/Edmonton", "--since", "2014-07-15 22:03:45 MDT", "--until", "2014-07-15 22:03:47", file])
      expect(r.out).toEqual([
        `2014-07-15 22:03:45.186 MDT\t["SCADA", [0, 0]]\t{"read": [0]}`,
        `2014-07-15 22:03:46.500 MDT\t["SCADA", [0, 3]]\t{"write": [4, 5, 6, 7]}`
      ])
    }))

  it.scoped("stats counts records, span, per-serial counts and corrupt records", () =>
    Effect.gen(function* () {
      const file = series(yield* tempDir)
      const r = yield* run(["stats", file])
      expect(r.out).toEqual([
        "files: 2",
        "records: 4",
        "corrupt: 1",
        "first: 2014-07-16 04:03:44.186",
        "last: 2014-07-16 04:03:50.000",
        "span: 5.814s",
        "serials: 3",
        `  ["SCADA", [0, 0]]\t1`,
        `  ["SCADA", [0, 3]]\t2`,
        `  ["TEXT", [0, 0]]\t1`
      ])
    }))

  it.scoped("stats in a --tz; an empty file's stats; two corrupt records and none", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const two = path.join(dir, "two.hst")
      fs.writeFileSync(two, `${REC[0]}\nbad\nworse\n`)
      const zoned = yield* run(["stats", "--tz", "America/Edmonton", two])
      expect(zoned.out.slice(0, 6)).toEqual(["files: 1", "records: 1", "corrupt: 2", "first: 2014-07-15 22:03:44.186 MDT", "last: 2014-07-15 22:03:44.186 MDT", "span: 0s"])
      expect((yield* run(["cat", two])).err).toEqual(["2 corrupt records skipped"])
      const empty = path.join(dir, "empty.hst")
      fs.writeFileSync(empty, "")
      expect((yield* run(["stats", empty])).out).toEqual(["files: 1", "records: 0", "corrupt: 0", "first: -", "last: -", "span: -", "serials: 0"])
      fs.writeFileSync(empty, `${REC[1]}\n`)
      const clean = yield* run(["cat", empty])
      expect([clean.out, clean.err]).toEqual([[REC[1]], []])
    }))

  it.scoped("cat with every record of the file before --since prints nothing, not an empty line; stats' first and last are the earliest and latest of records out of time order", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "s.hst")
      fs.writeFileSync(file, `${REC[0]}\n${REC[1]}\n`)
      const late = yield* run(["cat", "--since", "2014-07-16 05:00:00", file])
      expect([Exit.isSuccess(late.exit), late.logs, late.err]).toEqual([true, [], []])
      // A clock stepped back while recording: one file's records out of time order.
      const stepped = path.join(dir, "stepped.hst")
      fs.writeFileSync(stepped, `${REC[2]}\n${REC[0]}\n${REC[3]}\n${REC[1]}\n`)
      expect((yield* run(["stats", stepped])).out.slice(1, 6)).toEqual(
        ["records: 4", "corrupt: 0", "first: 2014-07-16 04:03:44.186", "last: 2014-07-16 04:03:50.000", "span: 5.814s"])
    }))

  it.live("play --since does not read the files entirely before it: a corrupt record there is not reported", () =>
    Effect.scoped(Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "r.hst")
      fs.writeFileSync(`${file}.1.gz`, zlib.gzipSync(`${REC[0]}\ncorrupt!\n${REC[1]}\n`))
      fs.writeFileSync(file, `${REC[2]}\n${REC[3]}\n`)
      const later = yield* run(["play", "--speed", "1000000", "--since", "2014-07-16 04:03:47", file])
      expect([later.out, later.err]).toEqual([[REC[3]], []])
      const all = yield* run(["play", "--speed", "1000000", file])
      expect([all.out, all.err]).toEqual([REC, ["1 corrupt record skipped"]])
    })))

  it.live("play --since starts at a time, --duration stops after that much history; a rotation that is not gzip is one message", () =>
    Effect.scoped(Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "p.hst")
      fs.writeFileSync(file, `${REC.join("\n")}\n`)
      // At a speed of a million the 6 s of history play in microseconds of real time.
      expect((yield* run(["play", "--speed", "1000000", "--since", "2014-07-16 04:03:46", file])).out).toEqual(REC.slice(2))
      expect((yield* run(["play", "--speed", "1000000", "--duration", "2s", file])).out).toEqual(REC.slice(0, 2))
      fs.writeFileSync(`${file}.1.gz`, "not gzip")
      expect((yield* run(["cat", file])).message).toBe(`history cat: read ${file}.1.gz: incorrect header check`)
    })))

  it.scoped("play prints records with their timing, at --speed (TestClock)", () =>
    Effect.gen(function* () {
      const file = series(yield* tempDir)
      const out: Array<string> = []
      const base = yield* Effect.console
      const console: Console.Console = { ...base, log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => { out.push(a.join(" ")) }) }
      const fiber = yield* cli(["node", "cpppo", "history", "play", "--speed", "2", file]).pipe(
        Effect.withConsole(console), Effect.provide(NodeContext.layer), Effect.fork)
      // File I/O takes real time: wait (really) for the first record, which is due at once.
      const realPause = Effect.promise(() => new Promise<void>((r) => setTimeout(r, 20)))
      for (let i = 0; i < 500 && out.length === 0; i++) yield* realPause
      expect(out).toEqual([REC[0]])
      yield* realPause
      yield* TestClock.adjust("499 millis") // record 2 is 1 s later in history: due at 500 ms
      yield* realPause
      expect(out).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      for (let i = 0; i < 500 && out.length < 2; i++) yield* realPause
      expect(out).toEqual([REC[0], REC[1]])
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      expect(out).toEqual(REC)
    }))

  it("the bin exits non-zero with one line for a missing file", () => {
    const r = spawnSync(process.execPath, [BIN, "history", "stats", "/nonexistent/cpppo.hst"], { encoding: "utf8", timeout: 20_000 })
    expect(r.status).not.toBe(0)
    const lines = r.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/history stats: open \/nonexistent\/cpppo.hst: no such file$/)
  }, 30_000)
})
