/**
 * Process-wide limits, shared by every server (every controller of a fleet) in the process:
 *
 * - **memory:** one budget for the bytes all sessions hold (replies not yet sent plus requests
 *   waiting under a delay). Per-session caps alone allowed 2,048 × 5 MB: 200 sessions that never
 *   read took the process to 1.75 GB and starved the healthy ones. Past the budget the sessions
 *   holding the most are closed first, so the sessions that read are kept;
 * - **sessions per peer address** (default 64), so one client machine cannot take every session;
 * - **sessions in all**, fitted to the file-descriptor limit (read from /proc/self/limits on
 *   Linux): a session is a descriptor, and running out of descriptors fails everything else too.
 *
 * A value built once per process (`ProcessLimits.layer`) and handed to each server, never a
 * module-level global, so tests and fleets decide what is shared.
 */
import { Context, Layer } from "effect"
import { readFileSync } from "node:fs"

/** Descriptors kept for everything that is not a session (listeners, web, history, logs, stdio). */
export const FD_RESERVE = 64

export interface ProcessLimitsOptions {
  /** Bytes all sessions together may hold, unsent and queued (default 256 MiB). */
  readonly maxBytes?: number
  /** Sessions one peer address may hold at once, across servers (default 64). */
  readonly maxSessionsPerPeer?: number
  /** The file-descriptor limit (default: read from the system; undefined where unknown). */
  readonly fdLimit?: number | undefined
}

/** A session as the memory budget sees it. */
export interface Holder {
  /** Bytes it holds now (unsent replies + queued requests). */
  readonly held: () => number
  /** Close it (it holds the most while the budget is exceeded). */
  readonly shed: () => void
}

/** A session's entry in the budget: tell it when the session may hold more; release at the end. */
export interface Charge {
  readonly update: () => void
  readonly release: () => void
}

export interface LimitsStats {
  /** Bytes held by all sessions (as last measured). */
  readonly held: number
  /** Sessions open in the process. */
  readonly sessions: number
  /** Sessions closed because the process held more than `maxBytes`. */
  readonly shed: number
  /** Sessions refused because their peer already had `maxSessionsPerPeer`. */
  readonly refusedPerPeer: number
  /** Sessions refused because the process had as many as its descriptors allow. */
  readonly refusedTotal: number
}

export interface ProcessLimitsService {
  readonly maxBytes: number
  readonly maxSessionsPerPeer: number
  /** Sessions the process may hold in all (from the descriptor limit; Infinity when unknown). */
  readonly maxSessions: number
  readonly fdLimit: number | undefined
  /** Admit a session from `peer`: its release, or a reason it is refused. */
  readonly admit: (peer: string) => (() => void) | "peer" | "total"
  /** Count a session against the memory budget. */
  readonly charge: (holder: Holder) => Charge
  readonly stats: () => LimitsStats
}

export class ProcessLimits extends Context.Tag("cpppo/server/ProcessLimits")<ProcessLimits, ProcessLimitsService>() {
  /** One set of limits for the process; provide it once, above every server that should share it. */
  static readonly layer = (options: ProcessLimitsOptions = {}): Layer.Layer<ProcessLimits> =>
    Layer.sync(ProcessLimits, () => makeProcessLimits(options))
}

/** The soft limit on open files (Linux: /proc/self/limits; Node raises it to the hard limit at start). */
export const readFdLimit = (): number | undefined => {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(readFileSync("/proc/self/limits", "utf8"))
    if (m === null) return undefined
    return m[1] === "unlimited" ? undefined : Number(m[1])
  } catch {
    return undefined
  }
}

/** The largest session count the descriptor limit allows (Infinity when unknown). */
export const sessionsForFds = (fdLimit: number | undefined): number =>
  fdLimit === undefined ? Infinity : Math.max(1, fdLimit - FD_RESERVE)

interface Entry extends Holder {
  charged: number
}

export const makeProcessLimits = (options: ProcessLimitsOptions = {}): ProcessLimitsService => {
  const maxBytes = Math.max(1, options.maxBytes ?? 256 * 1024 * 1024)
  const maxSessionsPerPeer = Math.max(1, options.maxSessionsPerPeer ?? 64)
  const fdLimit = "fdLimit" in options ? options.fdLimit : readFdLimit()
  const maxSessions = sessionsForFds(fdLimit)
  const perPeer = new Map<string, number>()
  let sessions = 0
  const holders = new Set<Entry>()
  // The sum of what each holder held when last measured: it only over-estimates (replies that
  // went out since are still counted), so it is re-measured exactly before anyone is shed.
  let total = 0
  const counts = { shed: 0, refusedPerPeer: 0, refusedTotal: 0 }

  const remeasure = () => {
    total = 0
    for (const e of holders) {
      e.charged = e.held()
      total += e.charged
    }
  }
  const enforce = () => {
    remeasure()
    while (total > maxBytes && holders.size > 0) {
      let worst: Entry | undefined
      for (const e of holders) if (worst === undefined || e.charged > worst.charged) worst = e
      holders.delete(worst!)
      total -= worst!.charged
      counts.shed++
      worst!.shed()
    }
  }

  return {
    maxBytes,
    maxSessionsPerPeer,
    maxSessions,
    fdLimit,
    admit: (peer) => {
      if (sessions >= maxSessions) { counts.refusedTotal++; return "total" }
      const n = perPeer.get(peer) ?? 0
      if (n >= maxSessionsPerPeer) { counts.refusedPerPeer++; return "peer" }
      perPeer.set(peer, n + 1)
      sessions++
      let released = false
      return () => {
        if (released) return
        released = true
        sessions--
        const left = (perPeer.get(peer) ?? 1) - 1
        if (left <= 0) perPeer.delete(peer)
        else perPeer.set(peer, left)
      }
    },
    charge: (holder) => {
      const entry: Entry = { held: holder.held, shed: holder.shed, charged: 0 }
      holders.add(entry)
      return {
        update: () => {
          if (!holders.has(entry)) return
          const now = entry.held()
          total += now - entry.charged
          entry.charged = now
          if (total > maxBytes) enforce()
        },
        release: () => {
          if (holders.delete(entry)) total -= entry.charged
        }
      }
    },
    stats: () => ({ held: total, sessions, ...counts })
  }
}

/**
 * A view of `shared` for one server of a fleet: the bytes held and the sessions in all stay
 * process-wide, but the sessions-per-peer limit counts this server's sessions only — as on real
 * PLCs, a SCADA host or driver may hold a session with each of a plant's controllers (hundreds
 * from one address), and still no more than `maxSessionsPerPeer` with any one of them. `shared`
 * should not limit per peer itself (make it with `maxSessionsPerPeer: Infinity`).
 */
export const perServerPeers = (shared: ProcessLimitsService, maxSessionsPerPeer = 64): ProcessLimitsService => {
  const perPeer = new Map<string, number>()
  let refused = 0
  return {
    ...shared,
    maxSessionsPerPeer,
    admit: (peer) => {
      const n = perPeer.get(peer) ?? 0
      if (n >= maxSessionsPerPeer) { refused++; return "peer" }
      const release = shared.admit(peer)
      if (typeof release !== "function") return release
      perPeer.set(peer, n + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        release()
        const left = (perPeer.get(peer) ?? 1) - 1
        if (left <= 0) perPeer.delete(peer)
        else perPeer.set(peer, left)
      }
    },
    stats: () => {
      const s = shared.stats()
      return { ...s, refusedPerPeer: s.refusedPerPeer + refused }
    }
  }
}
