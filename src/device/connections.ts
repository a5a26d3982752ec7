/**
 * The Connection Manager's table of CIP connections opened by Forward Open, keyed by the O→T
 * connection id the target chooses (the id clients send on). A connection times out after
 * RPI × (4 << timeoutMultiplier) without traffic; `lookup` drops a timed-out connection lazily,
 * `expire` sweeps them all.
 */
import type { ForwardOpenRequest } from "../cip/model.js"

/** The last reply sent on a connection, with its sequence count and request (a retransmission gets it again). */
export interface LastReply {
  readonly sequence: number
  readonly request: Uint8Array
  readonly cip: Uint8Array
}

export interface Connection {
  /** The encapsulation session that opened it. */
  readonly session: number
  /** The peer address of that session ("" when unknown). */
  readonly peer: string
  /** Chosen by us; the client sends connected requests with it. */
  readonly otConnectionId: number
  /** Chosen by the client; connected replies carry it. */
  readonly toConnectionId: number
  readonly connectionSerial: number
  readonly originatorVendor: number
  readonly originatorSerial: number
  readonly large: boolean
  /** Connection sizes in bytes (O→T and T→O). */
  readonly otSize: number
  readonly toSize: number
  /** Largest CIP reply (bytes) that fits the T→O size (less the 2-byte sequence count). */
  readonly maxReply: number
  /** Inactivity timeout in milliseconds: RPI × (4 << multiplier). */
  readonly timeoutMs: number
  /** Epoch ms of the last traffic. */
  lastActivity: number
  /** Note traffic now (keeps the connection from timing out). */
  readonly touch: () => void
  /**
   * The retransmission cache: kept on the connection so that it goes when the connection goes
   * (Forward Close, timeout, end of session); a map beside the table outlived its connections.
   */
  lastReply: LastReply | undefined
}

const tripleKey = (serial: number, vendor: number, origSerial: number) => `${serial}/${vendor}/${origSerial}`

export const makeConnectionTable = (now: () => number) => {
  const byId = new Map<number, Connection>()
  const byTriple = new Map<string, Connection>()

  const remove = (c: Connection) => {
    byId.delete(c.otConnectionId)
    byTriple.delete(tripleKey(c.connectionSerial, c.originatorVendor, c.originatorSerial))
  }
  const expired = (c: Connection, t: number) => t - c.lastActivity > c.timeoutMs

  const newId = (): number => {
    for (;;) {
      const id = (Math.floor(Math.random() * 0xfffffffe) + 1) >>> 0
      if (!byId.has(id)) return id
    }
  }

  return {
    size: (): number => byId.size,
    /** Connections one session holds. */
    sessionSize: (session: number): number => {
      let n = 0
      for (const c of byId.values()) if (c.session === session) n++
      return n
    },
    /** Connections held by sessions from one peer address. */
    peerSize: (peer: string): number => {
      let n = 0
      for (const c of byId.values()) if (c.peer === peer) n++
      return n
    },
    findTriple: (serial: number, vendor: number, origSerial: number): Connection | undefined =>
      byTriple.get(tripleKey(serial, vendor, origSerial)),
    open: (session: number, peer: string, req: ForwardOpenRequest): Connection => {
      const t = now()
      const c: Connection = {
        session,
        peer,
        otConnectionId: newId(),
        toConnectionId: req.toConnectionId,
        connectionSerial: req.connectionSerial,
        originatorVendor: req.originatorVendor,
        originatorSerial: req.originatorSerial,
        large: req.large,
        otSize: req.otParams.size,
        toSize: req.toParams.size,
        maxReply: Math.max(0, req.toParams.size - 2),
        timeoutMs: (req.otRpi / 1000) * (4 << Math.min(7, Math.max(0, req.timeoutMultiplier))),
        lastActivity: t,
        touch: () => { c.lastActivity = now() },
        lastReply: undefined
      }
      byId.set(c.otConnectionId, c)
      byTriple.set(tripleKey(c.connectionSerial, c.originatorVendor, c.originatorSerial), c)
      return c
    },
    close: remove,
    lookup: (otConnectionId: number): Connection | undefined => {
      const c = byId.get(otConnectionId)
      if (c === undefined) return undefined
      if (expired(c, now())) { remove(c); return undefined }
      return c
    },
    closeSession: (session: number): number => {
      let n = 0
      for (const c of [...byId.values()]) if (c.session === session) { remove(c); n++ }
      return n
    },
    expire: (t: number): ReadonlyArray<Connection> => {
      const gone = [...byId.values()].filter((c) => expired(c, t))
      gone.forEach(remove)
      return gone
    },
    all: (): ReadonlyArray<Connection> => [...byId.values()]
  }
}

export type ConnectionTable = ReturnType<typeof makeConnectionTable>
