/**
 * Record a plant and replay it, as a user does, with the real binary on 127.0.0.1:
 * simulator A runs signal generators; `cpppo enip poll` records A for 5 s into plant.hst.gz;
 * simulator B replays that file at 5× (its tags made from the recording); polling B records the
 * same series, time-scaled. The web API controls both (signals paused/resumed/overridden, the
 * replay started, sought and sped up).
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { readHistory, seriesFiles } from "../../src/history/reader.js"
import type { HistoryRecord } from "../../src/history/record.js"
import { tagRecordOf } from "../../src/history/tagRecord.js"
import { run, type Running, start } from "../cli/cpppo.js"

const scoped = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(Effect.sync(() => start(args)), (r) => Effect.sync(() => { if (r.child.exitCode === null) r.child.kill("SIGKILL") }))

/** `-A -w` print `host:port` then `web host:port`. */
const addresses = (r: Running) =>
  Effect.promise(async () => {
    const tcp = await r.line(/^127\.0\.0\.1:\d+$/, 30_000)
    const web = (await r.line(/^web /, 30_000)).slice(4)
    return { tcp, web: `http://${web}` }
  })

const api = (web: string, p: string) =>
  Effect.promise(async () => {
    const res = await fetch(`${web}/api/${p}`)
    return { status: res.status, body: await res.json() as { command: { success: boolean; message: string } | null; data: { options?: Record<string, Record<string, unknown>>; tags?: Record<string, { attribute: string }> } } }
  })

const records = (file: string) =>
  Effect.gen(function* () {
    const files = yield* seriesFiles(file)
    return Chunk.toArray(yield* Stream.runCollect(readHistory(files)))
  })

/** The value series of one tag element: [seconds since the first record of the file, value]. */
const series = (rs: ReadonlyArray<HistoryRecord>, name: string, index = 0, writes = false): Array<[number, number | string | boolean]> => {
  const t0 = rs[0]!.time
  const out: Array<[number, number | string | boolean]> = []
  for (const r of rs) {
    if (writes && !("write" in (r.data as object))) continue
    const t = tagRecordOf(r)
    if (t === undefined || t.name !== name || t.values === undefined) continue
    if (index < t.start || index >= t.start + t.count) continue
    out.push([r.time.minus(t0), t.values[index - t.start]!])
  }
  return out
}

const sleep = (ms: number) => Effect.promise(() => new Promise((r) => setTimeout(r, ms)))

describe("record a plant with cpppo enip poll, replay it with cpppo enip server --replay", () => {
  it.scopedLive("the replay, polled, gives the recorded series time-scaled; the web API drives signals and replay", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-e2e-"))
      const fileA = path.join(dir, "plant.hst.gz")
      const fileB = path.join(dir, "replayed.hst")
      const playedB = path.join(dir, "played.hst")
      const a = yield* scoped(["enip", "server", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0",
        "Count=DINT", "Level=REAL", "SCADA=INT[4]",
        "--signal", "Count=counter(every=1s)",
        "--signal", "Level=sine(amplitude=40, offset=50, period=5s)",
        "--signal", "SCADA[0-3]=square(amplitude=1, offset=1, period=2s)"])
      const A = yield* addresses(a)
      const pollA = yield* Effect.promise(() => run(["enip", "poll", "-a", A.tcp, "-R", "0.1", "-m", "-q",
        "Count", "Level", "SCADA[0-3]", "--historize", fileA, "--duration", "5"], { timeout: 30_000 }))
      expect(pollA.status, pollA.stderr).toBe(0)
      expect(pollA.stdout).toMatch(/^Poll summary: \d+ polls in 5\.\d s .* 0 errors, 1 connects, 0 gaps/m)

      // Signals through the web API: paused values hold; a client's write wins until resumed.
      const paused = yield* api(A.web, "options/signals/enabled=false")
      expect(paused.body.command).toMatchObject({ success: true })
      const held = yield* api(A.web, "tags/Count")
      yield* sleep(700)
      expect((yield* api(A.web, "tags/Count")).body.data.tags!["Count"]!.attribute).toBe(held.body.data.tags!["Count"]!.attribute)
      expect((yield* api(A.web, "options/signals/enabled=true")).body.command).toMatchObject({ success: true })
      const write = yield* Effect.promise(() => run(["enip", "client", "-a", A.tcp, "Count=(DINT)1000"]))
      expect(write.status, write.stderr).toBe(0)
      yield* sleep(300)
      const over = yield* api(A.web, "options/signals")
      expect(over.body.data.options!["signals"]!["overridden"]).toEqual(["Count"])
      expect((yield* api(A.web, "tags/Count")).body.data.tags!["Count"]!.attribute).toMatch(/== 1000$/)
      expect((yield* api(A.web, "options/signals/resume=Count")).body.command).toMatchObject({ success: true, message: "signals.resume: 1 element generated again" })
      expect((yield* api(A.web, "options/signals/resume=Nope")).status).toBe(400)

      // B replays the recording (paused until the web API plays it), at 5×, with its tags made from the file.
      const b = yield* scoped(["enip", "server", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "--replay", fileA, "--speed", "5", "--paused", "--historize", playedB])
      const B = yield* addresses(b)
      const pollB = yield* scoped(["enip", "poll", "-a", B.tcp, "-R", "0.02", "Count", "Level", "SCADA[0-3]", "--historize", fileB])
      yield* Effect.promise(() => pollB.line(/^ +Count == \[\d+\]: 'OK'$/, 30_000))
      const before = yield* api(B.web, "options/replay")
      expect(before.body.data.options!["replay"]).toMatchObject({ paused: true, speed: 5, offset: 0, finished: false, loop: false })
      expect((yield* api(B.web, "options/replay/paused=false")).body.command).toMatchObject({ success: true })
      const t0 = Date.now()
      for (;;) {
        yield* sleep(200)
        const st = yield* api(B.web, "options/replay")
        if (st.body.data.options!["replay"]!["finished"] === true) break
        expect(Date.now() - t0, "the replay of 5 s at 5× should end in about 1 s").toBeLessThan(15_000)
      }
      yield* sleep(200)
      pollB.child.kill("SIGINT")
      yield* Effect.promise(() => pollB.exit)
      b.child.kill("SIGINT") // B's --historize is flushed as it exits
      expect(yield* Effect.promise(() => b.exit)).toBe(0)
      expect(pollB.stdout.some((l) => /^Poll summary: .* 0 gaps/.test(l)), pollB.stdout.join("\n")).toBe(true)

      const recA = yield* records(fileA)
      const played = yield* records(playedB)
      const recB = yield* records(fileB)
      // What B played (its own --historize of the replay's writes): every recorded value, in
      // order, at the recorded time ÷ 5 — late only where this shared machine stalled a process.
      const timed = (a: ReadonlyArray<[number, unknown]>, b: ReadonlyArray<[number, unknown]>) => {
        expect(b.map(([, v]) => v)).toEqual(a.map(([, v]) => v))
        // b[0] is the state at B's start (written before it was played): time from the next one.
        const offsets = b.slice(2).map(([tb], i) => a[i + 2]![0] - a[1]![0] - (tb - b[1]![0]) * 5)
        const late = offsets.filter((o) => Math.abs(o) > 1)
        expect(late.length, `offsets ${offsets.map((o) => o.toFixed(2)).join(" ")}`).toBeLessThanOrEqual(Math.ceil(offsets.length / 10))
      }
      const countA = series(recA, "Count")
      expect(countA.length).toBeGreaterThanOrEqual(5)
      timed(countA, series(played, "Count", 0, true))
      timed(series(recA, "Level"), series(played, "Level", 0, true))
      for (let i = 0; i < 4; i++) timed(series(recA, "SCADA", i), series(played, "SCADA", i, true))
      // Polling B (as a user would): the values seen were recorded from A, in order, with the
      // recorded types; a value held shorter than a stall of this loaded machine may be missed.
      const subsequence = (a: ReadonlyArray<[number, unknown]>, b: ReadonlyArray<[number, unknown]>) => {
        let from = 0
        for (const [tb, v] of b) {
          const i = a.findIndex(([, va], k) => k >= from && va === v)
          expect(i, `${String(v)} at ${tb} s of the replay was not recorded (after ${from})`).toBeGreaterThanOrEqual(0)
          from = i
        }
      }
      const countB = series(recB, "Count")
      expect(countB.length).toBeGreaterThanOrEqual(countA.length - 2)
      subsequence(countA, countB)
      subsequence(series(recA, "Level"), series(recB, "Level"))
      expect(recB.find((r) => tagRecordOf(r)?.name === "Level")!.data).toMatchObject({ type: "REAL" })
      expect(recB.find((r) => tagRecordOf(r)?.name === "SCADA")!.data).toMatchObject({ type: "INT" })

      // The web API moves a replay: seek back, speed up, bad values refused.
      const c = yield* scoped(["enip", "server", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "--replay", fileA, "--paused", "SCADA=DINT[10]"])
      const C = yield* addresses(c)
      expect((yield* api(C.web, "tags/SCADA")).body.data.tags!["SCADA"]!.attribute).toMatch(/^SCADA +DINT\[10\] ==/) // as given, not as recorded
      expect((yield* api(C.web, "options/replay/seek=1")).body.command).toMatchObject({ success: true })
      const sought = yield* api(C.web, "options/replay")
      expect(sought.body.data.options!["replay"]!["finished"]).toBe(false)
      expect((yield* api(C.web, "options/replay/speed=1000")).body.command).toMatchObject({ success: true, message: "replay.speed = 1000" })
      expect((yield* api(C.web, "options/replay/speed=0")).status).toBe(400)
      const outside = yield* api(C.web, "options/replay/seek=99999")
      expect(outside.body.command).toMatchObject({ success: false })
      expect(outside.body.command!.message).toMatch(/^replay\.seek: .* is outside the replay, /)
      expect((yield* api(C.web, "options/replay/paused=false")).body.command).toMatchObject({ success: true })
      for (let i = 0; i < 50 && (yield* api(C.web, "options/replay")).body.data.options!["replay"]!["finished"] !== true; i++) yield* sleep(100)
      expect((yield* api(C.web, "options/replay")).body.data.options!["replay"]).toMatchObject({ finished: true, speed: 1000, paused: false })
      expect((yield* api(C.web, "tags/Count")).body.data.tags!["Count"]!.attribute).toMatch(new RegExp(`== ${countA[countA.length - 1]![1]}$`))
    }), 120_000)
})
