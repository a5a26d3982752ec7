/**
 * History files: records/s appended through HistoryWriter (flush every 100 ms) and read back
 * through the HistoryReader stream (plain and .gz). Baselines, measured in the same process:
 * raw fs.writeSync of the same preformatted lines, and a raw readFileSync + split of the file.
 * Targets: ≥ 200,000 records/s append, ≥ 500,000 records/s read.
 *
 *   npm run bench -- history [RECORDS]      (default 500000)
 */
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { formatRecord, makeHistoryWriter, readHistory, Timestamp } from "../../src/history/index.js"

const N = Math.max(1000, Number(process.argv[2] ?? 500_000))
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-bench-history-"))
const T0 = Timestamp.fromMillis(Date.UTC(2014, 6, 16, 4, 3, 44, 186))
const serialOf = (i: number) => ["SCADA", [i % 100, (i % 100) + 3]]
const dataOf = (i: number) => ({ write: [i, i + 1, i + 2, i + 3] })
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000)
const fmt = (n: number) => n.toLocaleString("en-US")

// Wall time, and CPU time of this process (steadier when the machine is busy with other work).
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const cpu: Record<string, number> = {}
const timed = async <A>(f: () => Promise<A> | A, label = ""): Promise<[A, number]> => {
  const t = performance.now()
  const c = cpuMs()
  const a = await f()
  if (label !== "") cpu[label] = cpuMs() - c
  return [a, performance.now() - t]
}

/** Baseline: the same lines, formatted up front, written with one writeSync per 10k lines. */
const rawWrite = (rawFile: string, n: number) => {
  const fd = fs.openSync(rawFile, "w")
  let batch = ""
  for (let i = 0; i < n; i++) {
    batch += formatRecord({ time: T0.plus(i / 1000), serial: serialOf(i), data: dataOf(i) })
    if (i % 10_000 === 9_999) {
      fs.writeSync(fd, batch)
      batch = ""
    }
  }
  fs.writeSync(fd, batch)
  fs.closeSync(fd)
}

const append = (file: string, n: number) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function* () {
    const w = yield* makeHistoryWriter({ path: file, flush: { everyMillis: 100 } })
    for (let i = 0; i < n; i++) yield* w.append(serialOf(i), dataOf(i), T0.plus(i / 1000))
  }))) // scope close = final flush: included in the time

const readAll = (file: string) => Effect.runPromise(readHistory([file]).pipe(Stream.runFold(0, (n) => n + 1)))

const main = async () => {
  const file = path.join(dir, "bench.hst")
  const rawFile = path.join(dir, "raw.hst")

  // Warm-up: every measured path (baseline and ours) runs once untimed first, so neither is
  // timed cold (JIT, first file creation) while the other is warm.
  const warm = Math.min(N, 50_000)
  rawWrite(path.join(dir, "warm-raw.hst"), warm)
  await append(path.join(dir, "warm.hst"), warm)
  fs.readFileSync(path.join(dir, "warm-raw.hst"), "utf8").split("\n")
  await readAll(path.join(dir, "warm.hst"))

  const [, rawWriteMs] = await timed(() => rawWrite(rawFile, N))
  const [, appendMs] = await timed(() => append(file, N), "append")
  const size = fs.statSync(file).size
  if (size !== fs.statSync(rawFile).size) throw new Error(`writer output differs from baseline: ${size} bytes`)

  const [rawLines, rawReadMs] = await timed(() => fs.readFileSync(rawFile, "utf8").split("\n").length - 1)
  const [count, readMs] = await timed(() => readAll(file), "read")
  if (count !== N || rawLines !== N) throw new Error(`read ${count} / ${rawLines} records, expected ${N}`)

  const gz = path.join(dir, "bench.hst.1.gz")
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(file)))
  const [gzCount, gzMs] = await timed(() => readAll(gz))
  if (gzCount !== N) throw new Error(`read ${gzCount} records from .gz, expected ${N}`)

  console.log(`history bench: ${fmt(N)} records, ${(size / 1e6).toFixed(1)} MB (${(size / N).toFixed(0)} B/record)`)
  console.log(`append (HistoryWriter, flush 100 ms): ${fmt(rate(N, appendMs))} records/s  (target ≥ 200,000)  ${rate(N, appendMs) >= 200_000 ? "OK" : "BELOW TARGET"}`)
  console.log(`  baseline raw format+writeSync:      ${fmt(rate(N, rawWriteMs))} records/s  ratio ${(rawWriteMs / appendMs).toFixed(2)}`)
  console.log(`read (HistoryReader stream, plain):   ${fmt(rate(N, readMs))} records/s  (target ≥ 500,000)  ${rate(N, readMs) >= 500_000 ? "OK" : "BELOW TARGET"}`)
  console.log(`  baseline raw readFileSync+split:    ${fmt(rate(N, rawReadMs))} lines/s    ratio ${(rawReadMs / readMs).toFixed(2)}`)
  console.log(`read (HistoryReader stream, .gz):     ${fmt(rate(N, gzMs))} records/s`)
  console.log(`by CPU time of this process: append ${fmt(rate(N, cpu["append"] ?? NaN))} records/s, read ${fmt(rate(N, cpu["read"] ?? NaN))} records/s`)
  console.log(`load average (1 min) ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs: wall-clock rates drop when other work shares the CPUs`)
}

main()
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e))
    process.exitCode = 1
  })
  .finally(() => fs.rmSync(dir, { recursive: true, force: true }))
