/**
 * `-l FILE`: the log file rotates itself at 10 MB (MiB) and keeps 5 rotated copies
 * (FILE.1 newest … FILE.5 oldest); the oldest lines beyond them are gone, nothing else is lost.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileLogger } from "../../src/cli/logging.js"

const MiB = 1024 * 1024

it("-l FILE rotates at 10 MB with 5 copies kept: 70 MB of log lines leave FILE and FILE.1..5, each rotated copy 10 MB", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cpppo-logrot-"))
  try {
    const file = join(dir, "server.log")
    const body = "x".repeat(100_000)
    const lines = 700
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      for (let i = 0; i < lines; i++) {
        yield* Effect.logWarning(`line ${String(i).padStart(4, "0")} ${body}`)
        // Let the stream write and rotate as a running server's would.
        if (i % 20 === 0) yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      }
    }).pipe(Effect.provide(fileLogger(file)))))
    expect(readdirSync(dir).sort()).toEqual(["server.log", "server.log.1", "server.log.2", "server.log.3", "server.log.4", "server.log.5"])
    const lineBytes = statSync(file).size / readFileSync(file, "utf8").split("\n").filter(Boolean).length
    for (let k = 1; k <= 5; k++) {
      const size = statSync(`${file}.${k}`).size
      expect(size).toBeGreaterThanOrEqual(10 * MiB)
      expect(size).toBeLessThan(10 * MiB + lineBytes + 1)
    }
    // Newest last: the live file holds the last line; the copies run back in order, and the oldest
    // lines (before FILE.5's first) are the ones dropped.
    const indices = (f: string) => readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => Number(/ line (\d{4}) /.exec(l)![1]))
    const live = indices(file)
    expect(live.at(-1)).toBe(lines - 1)
    let next = live[0]!
    for (let k = 1; k <= 5; k++) {
      const copy = indices(`${file}.${k}`)
      expect(copy.at(-1)).toBe(next - 1)
      expect(copy).toEqual(Array.from({ length: copy.length }, (_, i) => copy[0]! + i))
      next = copy[0]!
    }
    expect(next).toBeGreaterThan(0) // older lines than FILE.5 were dropped
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 60_000)
