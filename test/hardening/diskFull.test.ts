/**
 * A history file on a full disk (issue 20, item 8): the file only ever holds whole records, what
 * could not be written waits in memory and is written when space returns, and what cannot even
 * wait is counted. Once with an injected failing write (always runs), once on a real 64 KiB tmpfs
 * (needs root and mount; skipped with one line otherwise).
 */
import { Effect, Exit, Scope } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { makeHistoryWriter, type WriterIo } from "../../src/history/writer.js"
import { Timestamp } from "../../src/history/timestamp.js"

const dirs: Array<string> = []
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }) })
const tempDir = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-disk-full-")); dirs.push(d); return d }
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const T0 = Timestamp.fromMillis(Date.UTC(2026, 10, 30, 4, 1, 47, 146))
const RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\t\["SCADA", \[(\d+), \d+\]\]\t\{"write": \[\d+(, \d+)*\]\}$/

/** The file's lines; every one must be a whole record (and the file must end with a newline). */
const wholeRecords = (file: string): Array<number> => {
  const text = fs.readFileSync(file, "utf8")
  expect(text === "" || text.endsWith("\n"), `file ends mid-line: …${JSON.stringify(text.slice(-60))}`).toBe(true)
  return text.split("\n").filter((l) => l !== "").map((l) => {
    const m = RECORD.exec(l)
    expect(m, `not a whole record: ${JSON.stringify(l)}`).not.toBeNull()
    return Number(m![1])
  })
}

const run = <A>(f: (scope: Scope.CloseableScope) => Effect.Effect<A, unknown, never>) =>
  Effect.runPromise(Effect.gen(function* () {
    const scope = yield* Scope.make()
    return yield* Effect.ensuring(f(scope), Scope.close(scope, Exit.void))
  }))

describe("history on a full disk", () => {
  // Was a finding: a batch write cut short by ENOSPC stayed in the file as a broken line
  // (`2026-11-30 042026-11-30 04:01:47.146\t[…`), and its records were lost.
  it("injected: a write that fails part way is cut back; the records are written when space returns", async () => {
    const file = path.join(tempDir(), "h.hst")
    let full = false
    let partial = 0
    const io: WriterIo = {
      writeSync: (fd, buffer, offset, length) => {
        if (!full) return fs.writeSync(fd, buffer, offset, length)
        if (length > 40 && partial === 0) {
          // The disk takes part of the batch, then refuses: a short write, then ENOSPC.
          partial = fs.writeSync(fd, buffer, offset, 37)
          return partial
        }
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
      }
    }
    const result = await run((scope) => Effect.gen(function* () {
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: { everyMillis: 10 }, io, maxRetainedBytes: 64 * 1024 }), scope)
      const write = (i: number) => w.append(["SCADA", [i, i]], { write: [i] }, T0.plus(i / 1000))
      for (let i = 0; i < 10; i++) yield* write(i)
      yield* w.flush
      full = true
      for (let i = 10; i < 30; i++) yield* write(i)
      const refused = yield* Effect.either(w.flush)
      const during = { refused: refused._tag === "Left", stats: yield* w.stats, lines: wholeRecords(file) }
      full = false
      // The writer's own timer retries (every 10 ms); wait for it, with a generous hang guard.
      for (let waited = 0; waited < 10_000 && (yield* w.stats).pending > 0; waited += 20) yield* Effect.promise(() => sleep(20))
      const after = { stats: yield* w.stats, lines: wholeRecords(file) }
      return { during, after }
    }))
    expect(partial).toBe(37) // the short write did happen …
    expect(result.during.refused).toBe(true)
    expect(result.during.lines).toEqual(Array.from({ length: 10 }, (_, i) => i)) // … and was cut back
    expect(result.during.stats).toMatchObject({ records: 10, pending: 20, dropped: 0 })
    expect(result.during.stats.failing).toMatch(/ENOSPC/)
    expect(result.after.lines).toEqual(Array.from({ length: 30 }, (_, i) => i))
    expect(result.after.stats).toMatchObject({ records: 30, pending: 0, dropped: 0, failing: undefined })
  })

  it("injected: past the retention bound, records are dropped and counted, never half-written", async () => {
    const file = path.join(tempDir(), "h.hst")
    const io: WriterIo = { writeSync: () => { throw Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" }) } }
    const stats = await run((scope) => Effect.gen(function* () {
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: { everyMillis: 10 }, io, maxBufferChars: 1024, maxRetainedBytes: 4096 }), scope)
      yield* Effect.either(w.flush)
      for (let i = 0; i < 500; i++) yield* w.append(["SCADA", [i, i]], { write: [i] }, T0)
      yield* Effect.either(w.flush)
      return yield* w.stats
    }))
    expect(stats.records).toBe(0)
    expect(stats.pending + stats.dropped).toBe(500)
    expect(stats.dropped).toBeGreaterThan(0)
    expect(fs.readFileSync(file, "utf8")).toBe("")
  })

  it("a file left ending mid-line (a crash) is cut back to its last whole record when opened", async () => {
    const file = path.join(tempDir(), "h.hst")
    fs.writeFileSync(file, `${T0.toString()}\t["SCADA", [0, 0]]\t{"write": [0]}\n2026-11-30 04`)
    await run((scope) => Effect.gen(function* () {
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: "record" }), scope)
      yield* w.append(["SCADA", [1, 1]], { write: [1] }, T0)
    }))
    expect(wholeRecords(file)).toEqual([0, 1])
  })

  it("real: on a 64 KiB tmpfs filled up, the file holds whole records only, and everything is written once space returns", async (ctx) => {
    const mnt = tempDir()
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt], { stdio: "ignore" })
    } catch {
      console.log("skipped: cannot mount a tmpfs here (needs root and mount); the injected tests above cover the same path")
      ctx.skip()
      return
    }
    try {
      const file = path.join(mnt, "h.hst")
      const filler = path.join(mnt, "filler")
      fs.writeFileSync(filler, Buffer.alloc(48 * 1024))
      const N = 600 // ~60 bytes each: ~36 KiB, more than the ~16 KiB left
      const result = await run((scope) => Effect.gen(function* () {
        const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: { everyMillis: 20 } }), scope)
        for (let i = 0; i < N; i++) yield* w.append(["SCADA", [i, i + 3]], { write: [i, i, i, i] }, T0.plus(i / 1000))
        yield* Effect.either(w.flush)
        const during = { stats: yield* w.stats, lines: wholeRecords(file) }
        fs.rmSync(filler)
        for (let waited = 0; waited < 10_000 && (yield* w.stats).pending > 0; waited += 20) yield* Effect.promise(() => sleep(20))
        return { during, after: { stats: yield* w.stats, lines: wholeRecords(file) } }
      }))
      expect(result.during.stats.failing).toMatch(/ENOSPC/)
      expect(result.during.lines.length).toBeLessThan(N)
      expect(result.during.lines).toEqual(Array.from({ length: result.during.lines.length }, (_, i) => i))
      expect(result.after.stats).toMatchObject({ records: N, pending: 0, dropped: 0, failing: undefined })
      expect(result.after.lines).toEqual(Array.from({ length: N }, (_, i) => i))
    } finally {
      execFileSync("umount", [mnt])
    }
  })
})
