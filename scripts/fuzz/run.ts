/**
 * `npm run fuzz -- --coverage TARGET|all --seconds N …`: coverage-guided fuzzing with Jazzer.js
 * (guided/main.ts says the options).
 *
 * `npm run fuzz -- --frames N [--live N] [--modbus N] [--seed S] [--workers W]`: fuzz the codec and
 * the controller in-process with N mutant frames, then a live simulator (child process) over TCP
 * with `--live` frames (default N) while a healthy client reads and writes; then the Modbus/TCP
 * server the same two ways with `--modbus` mutant ADUs (default N; live: a tenth). Prints frames
 * tried, distinct error kinds, crashes (must be 0), peak RSS, the longest event-loop stall; exits
 * 1 on any invariant broken.
 */
import { main as guided } from "./guided/main.js"
import { fuzzInProcess } from "./inprocess.js"
import { fuzzLive } from "./live.js"
import { fuzzModbusInProcess, fuzzModbusLive } from "./modbus.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const v = Number(process.argv[i + 1])
  if (!Number.isFinite(v) || v < 0) { console.error(`cpppo fuzz: --${name} needs a number`); process.exit(2) }
  return Math.floor(v)
}

if (process.argv.includes("--coverage")) process.exit(await guided())

const frames = arg("frames", 20_000)
const live = arg("live", frames)
const modbus = arg("modbus", frames)
const seed = arg("seed", Date.now() % 1_000_000)
const workers = arg("workers", 8)
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`
const kindsText = (kinds: Map<string, number>) =>
  [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `    ${String(n).padStart(7)}  ${k}`).join("\n")

console.log(`fuzz seed ${seed}`)
const rssBefore = process.memoryUsage.rss()
const ip = fuzzInProcess(frames, seed)
const ipRss = process.memoryUsage.rss()
console.log(`in-process: ${ip.frames} frames in ${(ip.millis / 1000).toFixed(1)} s (${Math.round(ip.frames / (ip.millis / 1000))}/s), ${ip.requestsHandled} CIP requests answered`)
console.log(`  distinct error kinds: ${ip.kinds.size}\n${kindsText(ip.kinds)}`)
console.log(`  crashes: ${ip.crashes.length}`)
for (const c of ip.crashes.slice(0, 5)) console.log(`    [${c.where}] ${c.how}: ${c.error.split("\n")[0]}\n      input ${c.input.slice(0, 200)}`)
console.log(`  RSS ${mb(rssBefore)} → ${mb(ipRss)}`)

let failed = ip.crashes.length > 0
if (live > 0) {
  const lv = await fuzzLive({ frames: live, seed, workers, log: (l) => console.log(l) })
  console.log(`live simulator (child process, TCP): ${lv.frames} frames in ${(lv.millis / 1000).toFixed(1)} s, ${workers} concurrent fuzz connections, ${lv.reconnects} connections opened in all`)
  console.log(`  outcomes (${lv.kinds.size} kinds):\n${kindsText(lv.kinds)}`)
  console.log(`  complete non-Nop frames left unanswered: ${lv.silentFramed}`)
  console.log(`  UDP: ${lv.datagrams} mutant datagrams, ${lv.datagramReplies} replies`)
  for (const e of lv.silentExamples.slice(0, 5)) console.log(`    ${e}`)
  console.log(`  healthy client: ${lv.healthy.operations} operations, ${lv.healthy.verified} verified, ${lv.healthy.failures.length} failures, max round trip ${lv.healthy.maxLatencyMs.toFixed(1)} ms`)
  for (const f of lv.healthy.failures) console.log(`    ${f}`)
  console.log(`  server: alive ${lv.serverAlive}, longest event-loop stall ${lv.maxStallMs.toFixed(1)} ms, peak RSS ${mb(lv.peakRss)}`)
  console.log(`  server heap after GC: ${mb(lv.baseline.heapUsed)} before → ${mb(lv.after.heapUsed)} after; sessions left ${lv.after.sessions}; CIP connections left ${lv.after.connections}`)
  const crashes = (lv.serverAlive ? 0 : 1) + lv.healthy.failures.length
  console.log(`  crashes: ${crashes}`)
  failed ||= crashes > 0 || lv.maxStallMs > 100 || lv.after.sessions > 0 || lv.after.heapUsed > lv.baseline.heapUsed + 32 * 1048576
}
if (modbus > 0) {
  const mi = fuzzModbusInProcess(modbus, seed)
  console.log(`modbus in-process: ${mi.frames} mutant ADUs in ${(mi.millis / 1000).toFixed(1)} s, ${mi.answered} answered`)
  console.log(`  outcomes (${mi.kinds.size} kinds):\n${kindsText(mi.kinds)}`)
  console.log(`  crashes: ${mi.crashes.length}`)
  for (const c of mi.crashes.slice(0, 5)) console.log(`    ${c.how}: ${c.error.split("\n")[0]}\n      input ${c.input.slice(0, 200)}`)
  const ml = await fuzzModbusLive({ frames: Math.max(1, Math.floor(modbus / 10)), seed, workers })
  console.log(`modbus live (child process, TCP): ${ml.frames} mutant ADUs in ${(ml.millis / 1000).toFixed(1)} s, ${workers} concurrent fuzz connections`)
  console.log(`  outcomes (${ml.kinds.size} kinds):\n${kindsText(ml.kinds)}`)
  console.log(`  complete frames left unanswered: ${ml.unanswered.length}`)
  for (const e of ml.unanswered.slice(0, 5)) console.log(`    ${e}`)
  console.log(`  healthy client: ${ml.healthy.operations} operations, ${ml.healthy.verified} verified, ${ml.healthy.failures.length} failures; server alive ${ml.serverAlive}`)
  for (const f of ml.healthy.failures.slice(0, 5)) console.log(`    ${f}`)
  failed ||= mi.crashes.length > 0 || ml.unanswered.length > 0 || ml.healthy.failures.length > 0 || !ml.serverAlive
}
console.log(failed ? "FAILED" : "OK")
process.exit(failed ? 1 : 0)
