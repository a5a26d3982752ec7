/**
 * `npm run bench -- soak [--seconds N] [--clients N] [--pages N] [--mutes N] [--calm]`: the soak
 * (see scripts/fuzz/soak.ts) for N seconds (default 60, at most 3600), with the adversarial mix
 * of issue 20 unless `--calm`: a glob attacker, 200 live pages, 200 sessions that never read, a
 * Forward Open hog and Multiple Service Packet floods with writes. Prints operations, verified
 * values, errors by kind, web API toggles, the healthy client's round trips (p50/p99/max), the
 * acknowledged writes missing from history (must be 0), what each adversary did, leaked sessions
 * (must be 0) and RSS; exits 1 if anything leaked, a value was wrong, a write went unrecorded or
 * the simulator stopped answering.
 */
import { runSoak } from "../fuzz/soak.js"

const arg = (name: string, fallback: number, min = 1): number => {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const v = Number(process.argv[i + 1])
  if (!Number.isFinite(v) || v < min) { console.error(`cpppo soak: --${name} needs a number of at least ${min}`); process.exit(2) }
  return v
}
const seconds = Math.min(3600, arg("seconds", 60))
const clients = Math.floor(arg("clients", 24))
const calm = process.argv.includes("--calm")
const adversaries = calm ? undefined : {
  pages: Math.floor(arg("pages", 200, 0)), mutes: Math.floor(arg("mutes", 200, 0)), globAttacker: true, forwardOpenHog: true, mspFlood: true
}
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`

console.log(`soak: ${seconds} s, ${clients} client loops, web API toggling delay / tag error / eof / disable every ~1 s` +
  (adversaries ? `; adversaries: glob attacker, ${adversaries.pages} live pages, ${adversaries.mutes} sessions that never read, Forward Open hog, MSP flood with writes` : ""))
const r = await runSoak({ seconds, clients, log: (l) => { if (Math.random() < 0.2) console.log(l) }, ...(adversaries ? { adversaries } : {}) })
console.log(`sessions opened: ${r.sessions} (server accepted ${r.accepted}, closed ${r.closed})`)
console.log(`operations: ${r.operations} (${Math.round(r.operations / (r.millis / 1000))}/s), verified values: ${r.verified}, mismatches: ${r.mismatches}`)
console.log("errors by kind:")
for (const [k, n] of [...r.errors].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(7)}  ${k}`)
console.log(`web API toggles: ${[...r.toggles].map(([k, n]) => `${k} ×${n}`).join(", ")}; web API failures: ${r.webFailures.length}, slowest command ${r.webSlowestMs.toFixed(0)} ms`)
for (const f of r.webFailures.slice(0, 5)) console.log(`  ${f}`)
const h = r.healthy
console.log(`healthy client: ${h.operations} operations, round trip (write+read) p50 ${h.p50.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms, max ${h.max.toFixed(0)} ms; ` +
  `wrong values ${h.failures}; connected cycles ${h.connectedCycles}, Forward Open refused ${h.connectedFailures}`)
console.log(`history: ${r.acknowledgedWrites} acknowledged writes, missing from history: ${r.missingFromHistory} (${r.historyRecords} records)`)
console.log(`simulator (its own process): longest event-loop stall ${r.maxStallMs.toFixed(0)} ms, peak RSS ${mb(r.peakRss)}, sessions shed over the memory budget ${r.shed}`)
if (r.adversaries) {
  const a = r.adversaries
  console.log(`glob attacker: ${a.globRequests} requests, slowest ${a.globSlowestMs.toFixed(0)} ms, bad replies ${a.globBadReplies}`)
  console.log(`live pages: ${a.pagesOpen} open, ${a.pagesRefused} refused (cap), ${mb(a.pageBytes)} received`)
  console.log(`sessions that never read: ${a.muteSessions} sessions, ${mb(a.muteRequestBytes)} of requests sent`)
  console.log(`Forward Open hog: ${a.hogConnections} connections taken, ${a.hogRefused} refused`)
  console.log(`MSP flood: ${a.mspPackets} packets, ${a.mspWritesAcknowledged} writes acknowledged`)
}
console.log(`leaked sessions: ${r.leakedSessions}, CIP connections left: ${r.leakedConnections}, fresh client after the soak: ${r.finalCheck ? "OK" : "FAILED"}`)
console.log(`simulator RSS ${mb(r.rssStart)} → ${mb(r.rssEnd)}; heap after GC ${mb(r.heapStart)} → ${mb(r.heapEnd)}`)
const failed = r.leakedSessions > 0 || r.leakedConnections > 0 || r.mismatches > 0 || !r.finalCheck || r.webFailures.length > 0 ||
  r.missingFromHistory > 0 || r.healthy.failures > 0 || (r.adversaries?.globBadReplies ?? 0) > 0
console.log(failed ? "FAILED" : "OK")
process.exit(failed ? 1 : 0)
