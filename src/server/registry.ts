/**
 * The connection registry: every live TCP session, keyed like cpppo's web API
 * (`127_0_0_1_52590`), with its counters. Counters are plain mutable fields updated by the
 * session's synchronous data path; the web API and tests read them.
 */
import { Context, Effect, Layer } from "effect"

export interface SessionEntry {
  readonly key: string
  /** Peer (client) address and port. */
  readonly interface: string
  readonly port: number
  /** Local address:port the client reached. */
  readonly local: string
  readonly localPort: number
  readonly since: number
  received: number
  requests: number
  eof: boolean
  /** Drop the session now (the session fiber is interrupted and its socket closed). */
  readonly drop: () => void
  /** Re-read the idle timeout from ServerControl (called when it changes at run time). */
  readonly rearm?: () => void
}

export interface ConnectionRegistryService {
  readonly add: (entry: SessionEntry) => void
  readonly remove: (key: string) => void
  readonly get: (key: string) => SessionEntry | undefined
  readonly entries: () => ReadonlyArray<SessionEntry>
  readonly size: () => number
  /** Totals since start: sessions accepted, refused (limits), closed. */
  readonly stats: () => { readonly accepted: number; readonly refused: number; readonly closed: number }
  readonly countAccepted: () => void
  readonly countRefused: () => void
  /** Set `eof` on a session: it is dropped at once. */
  readonly setEof: (key: string) => Effect.Effect<boolean>
  /** Drop every session (used by disable and shutdown). */
  readonly dropAll: Effect.Effect<number>
}

export class ConnectionRegistry extends Context.Tag("cpppo/server/ConnectionRegistry")<
  ConnectionRegistry,
  ConnectionRegistryService
>() {}

/** `127.0.0.1`, 52590 → `127_0_0_1_52590` (IPv6 colons too). */
export const sessionKey = (address: string, port: number): string => `${address.replace(/[.:]/g, "_")}_${port}`

export const makeConnectionRegistry = (): ConnectionRegistryService => {
  const sessions = new Map<string, SessionEntry>()
  let accepted = 0
  let refused = 0
  let closed = 0
  return {
    add: (entry) => { sessions.set(entry.key, entry) },
    remove: (key) => { if (sessions.delete(key)) closed++ },
    get: (key) => sessions.get(key),
    entries: () => Array.from(sessions.values()),
    size: () => sessions.size,
    stats: () => ({ accepted, refused, closed }),
    countAccepted: () => { accepted++ },
    countRefused: () => { refused++ },
    setEof: (key) =>
      Effect.sync(() => {
        const entry = sessions.get(key)
        if (entry === undefined) return false
        entry.eof = true
        entry.drop()
        return true
      }),
    dropAll: Effect.sync(() => {
      const all = Array.from(sessions.values())
      for (const entry of all) { entry.eof = true; entry.drop() }
      return all.length
    })
  }
}

export const ConnectionRegistryLive = Layer.sync(ConnectionRegistry, makeConnectionRegistry)
