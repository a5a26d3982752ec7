/**
 * The in-flight table of a pipelining client: requests keyed by sender context (unconnected) or
 * connected sequence count, each with a deadline. Plain synchronous code: the socket's data
 * callback completes entries directly (no fiber per request), a periodic sweep expires them, and
 * a lost connection fails them all. Every callback is called exactly once.
 */
import { Either } from "effect"
import { ClientError } from "./errors.js"

/** Called once with the reply, or with why there is none. */
export type Completion<R> = (result: Either.Either<R, ClientError>) => void

interface Entry<R> {
  readonly deadline: number
  readonly done: Completion<R>
}

export class RequestTable<R> {
  private readonly pending = new Map<number, Entry<R>>()
  private nextKey = 1
  private closedWith: ClientError | undefined

  /** @param keySpace keys are 1..keySpace-1 (2^32 for sender contexts, 2^16 for sequence counts) */
  constructor(private readonly keySpace: number) {}

  get size(): number {
    return this.pending.size
  }

  /** Why the table was closed (then every `add` fails at once), if it was. */
  get closed(): ClientError | undefined {
    return this.closedWith
  }

  /** A key not in use now; keys cycle, skipping 0 and any still pending (a late or lost reply). */
  allocate(): number {
    for (let tries = 0; tries < this.keySpace; tries++) {
      const k = this.nextKey
      this.nextKey = this.nextKey + 1 >= this.keySpace ? 1 : this.nextKey + 1
      if (!this.pending.has(k)) return k
    }
    return 0 // unreachable with a window far smaller than the key space
  }

  /**
   * Register a request sent under `key`, due by `deadline` (ms, same clock as `expire`). If the
   * table is closed the completion fails immediately and false is returned.
   */
  add(key: number, deadline: number, done: Completion<R>): boolean {
    if (this.closedWith !== undefined) {
      done(Either.left(this.closedWith))
      return false
    }
    this.pending.set(key, { deadline, done })
    return true
  }

  /** Complete the request under `key`; false when none is pending (e.g. it already timed out). */
  complete(key: number, reply: Either.Either<R, ClientError>): boolean {
    const e = this.pending.get(key)
    if (e === undefined) return false
    this.pending.delete(key)
    e.done(reply)
    return true
  }

  /** Fail every request whose deadline is at or before `now`; returns how many. */
  expire(now: number, describe: (overdueMs: number) => string = () => "no reply in time"): number {
    let n = 0
    for (const [key, e] of this.pending) {
      if (e.deadline <= now) {
        this.pending.delete(key)
        n++
        e.done(Either.left(new ClientError({ reason: "Timeout", message: describe(now - e.deadline) })))
      }
    }
    return n
  }

  /** The earliest deadline pending, if any (to schedule the next sweep). */
  nextDeadline(): number | undefined {
    let min: number | undefined
    for (const e of this.pending.values()) if (min === undefined || e.deadline < min) min = e.deadline
    return min
  }

  /** Close: fail everything pending (and every later `add`) with `error`. Idempotent. */
  close(error: ClientError): void {
    if (this.closedWith !== undefined) return
    this.closedWith = error
    const entries = [...this.pending.values()]
    this.pending.clear()
    for (const e of entries) e.done(Either.left(error))
  }
}
