/**
 * One controller's traffic counters, kept in plain fields so the per-request path pays a few
 * additions (no labels hashed, no allocation); the metrics exporter (web/metrics.ts) reads them
 * when scraped. Each controller owns its own, so nothing here is shared across a fleet.
 */

/** Upper bounds (seconds) of the request latency histogram's buckets; +Inf is implied. */
export const LATENCY_BUCKETS: ReadonlyArray<number> = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
]

/** The kinds of fault that can be injected into a running controller. */
export type FaultKind = "delay" | "error" | "eof" | "disable"
export const FAULT_KINDS: ReadonlyArray<FaultKind> = ["delay", "error", "eof", "disable"]

export class ControllerStats {
  /** Bytes received on the controller's TCP sessions (framed or not). */
  bytesIn = 0
  /** Bytes of replies written to its TCP sessions. */
  bytesOut = 0
  /** CIP requests answered: service name → general status → count. */
  readonly requests = new Map<string, Map<number, number>>()
  /** Non-cumulative counts per bucket of LATENCY_BUCKETS, then one for +Inf. */
  readonly latencyCounts = new Float64Array(LATENCY_BUCKETS.length + 1)
  latencySum = 0
  latencyCount = 0
  /** Faults injected (web API or code): how many times each kind was switched on. */
  readonly faults: Record<FaultKind, number> = { delay: 0, error: 0, eof: 0, disable: 0 }

  /** Count one answered CIP request. */
  request(service: string, status: number): void {
    let byStatus = this.requests.get(service)
    if (byStatus === undefined) {
      byStatus = new Map()
      this.requests.set(service, byStatus)
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
  }

  /** Record one request's latency, from its arrival to its reply, in seconds. */
  latency(seconds: number): void {
    let i = 0
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++
    this.latencyCounts[i]!++
    this.latencySum += seconds
    this.latencyCount++
  }

  /** Count one fault injection. */
  fault(kind: FaultKind): void {
    this.faults[kind]++
  }
}
