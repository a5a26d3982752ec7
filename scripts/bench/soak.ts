/**
 * `npm run bench -- soak [--seconds N] [--clients N]`: the soak (see scripts/fuzz/soak.ts) for N
 * seconds (default 60, at most 3600). Prints operations, verified values, errors by kind, web API
 * toggles, leaked sessions (must be 0) and RSS at start and end; exits 1 if anything leaked, a
 * value was wrong or the simulator stopped answering.
 */
import { runSoak } from "../fuzz/soak.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const v = Number(process.argv[i + 1])
  if (!Number.isFinite(v) || v <= 0) { console.error(`cpppo soak: --${name} needs a positive number`); process.exit(2) }
  return v
}
const seconds = Math.min(3600, arg("seconds", 60))
const clients = Math.floor(arg("clients", 24))
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`

console.log(`soak: ${seconds} s, ${clients} client loops, web API toggling delay / tag error / eof / disable every ~1 s`)
const r = await runSoak({ seconds, clients, log: (l) => { if (Math.random() < 0.2) console.log(l) } })
console.log(`sessions opened: ${r.sessions} (server accepted ${r.accepted}, closed ${r.closed})`)
console.log(`operations: ${r.operations} (${Math.round(r.operations / (r.millis / 1000))}/s), verified values: ${r.verified}, mismatches: ${r.mismatches}`)
console.log("errors by kind:")
for (const [k, n] of [...r.errors].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(7)}  ${k}`)
console.log(`web API toggles: ${[...r.toggles].map(([k, n]) => `${k} ×${n}`).join(", ")}; web API failures: ${r.webFailures.length}`)
for (const f of r.webFailures.slice(0, 5)) console.log(`  ${f}`)
console.log(`leaked sessions: ${r.leakedSessions}, CIP connections left: ${r.leakedConnections}, fresh client after the soak: ${r.finalCheck ? "OK" : "FAILED"}`)
console.log(`RSS ${mb(r.rssStart)} → ${mb(r.rssEnd)}; heap ${mb(r.heapStart)} → ${mb(r.heapEnd)}`)
const failed = r.leakedSessions > 0 || r.leakedConnections > 0 || r.mismatches > 0 || !r.finalCheck || r.webFailures.length > 0
console.log(failed ? "FAILED" : "OK")
process.exit(failed ? 1 : 0)
