/**
 * One TCP session: a scoped fiber around a node socket. The per-frame path is synchronous (the
 * socket's data callback cuts frames and answers them at once); frames go through one ordered
 * consumer fiber only when a reply delay is in force or a handler answers with an Effect (a custom
 * tag Attribute), so replies always leave in request order.
 */
import { Clock, Deferred, Effect, Exit, Queue } from "effect"
import type * as net from "node:net"
import type { ServerControlService } from "./control.js"
import type { ProcessLimitsService } from "./limits.js"
import { adoptSocket } from "./readBuffer.js"
import type { ConnectionRegistryService, SessionEntry } from "./registry.js"
import { sessionKey } from "./registry.js"
import type { ControllerStats } from "./stats.js"

/** What a handler does with one frame. */
export type FrameResult =
  | Uint8Array // send this reply
  | undefined // send nothing
  | { readonly reply?: Uint8Array; readonly close: true } // send (optionally) and close the session

export type FrameOutcome = FrameResult | Effect.Effect<FrameResult>

/** The protocol side of a session (encapsulation + CIP), one per TCP connection. */
export interface SessionHandler {
  /** Handle one whole frame. Must not throw. */
  readonly frame: (frame: Uint8Array) => FrameOutcome
  /** A framing failure (bad length, too large): the reply to send before closing, if any. */
  readonly framingError: (error: { readonly reason: string; readonly header?: Uint8Array }) => Uint8Array | undefined
  /** The session ended: release what it held (e.g. its CIP connections). */
  readonly close: () => void
}

/** A framing failure: the frames completed before it, the reason, the refused header if known. */
export interface FramerResult {
  readonly frames: ReadonlyArray<Uint8Array>
  readonly error: string
  readonly header?: Uint8Array
}

export interface Framer {
  /** Returns whole frames, or a failure (which still carries the frames completed before it). */
  readonly push: (chunk: Uint8Array) => ReadonlyArray<Uint8Array> | FramerResult
  /** Bytes held of a frame not yet complete. */
  readonly buffered: () => number
}

export interface SessionOptions {
  readonly makeFramer: () => Framer
  readonly makeHandler: (info: { readonly peer: string; readonly peerPort: number; readonly local: string; readonly localPort: number }) => SessionHandler
  readonly control: ServerControlService
  readonly registry: ConnectionRegistryService
  /** Close a session whose unsent output exceeds this many bytes (a client that never reads). */
  readonly maxOutput: number
  /**
   * Request bytes that may wait for an answer (under a reply delay or a slow Attribute) before the
   * session stops reading its socket; it reads again once half of them are answered. TCP
   * back-pressure then holds the client, and the server's memory stays bounded.
   */
  readonly maxQueued?: number
  /** Counts bytes in and out and each request's latency (arrival to reply). */
  readonly stats?: ControllerStats
  /** The process-wide memory budget this session's unsent and queued bytes count against. */
  readonly limits?: ProcessLimitsService
  /**
   * True while what records the requests' effects (history) is behind: the session stops reading
   * its socket until it is not, so TCP holds the client back and nothing acknowledged is dropped.
   */
  readonly congested?: () => boolean
}

const EMPTY = new Uint8Array(0)

/** A frame waiting for its turn (under a delay or behind an asynchronous answer). */
interface QueuedFrame {
  readonly frame: Uint8Array
  /** Arrival, epoch ms (the delay is measured from it, on the Effect Clock). */
  readonly at: number
  /** Arrival, performance.now() ms, for the latency counted in stats (-1: not a request). */
  readonly arrived: number
  readonly pending?: Effect.Effect<FrameResult>
}

/** How long a session closed by the server waits for the peer to close its side. */
const LINGER_MS = 1000
/** The longest a frame may take to arrive, from its first byte (less when the idle timeout is less). */
const MAX_FRAME_SECONDS = 10
/** Idle checks per idle timeout period. */
const IDLE_CHECKS = 4
/** Frames a session's consumer answers before it lets the event loop take a turn. */
const CONSUMER_SLICE = 16
/** Frames of one chunk answered at once, in the socket's callback; the rest go to the consumer. */
const SYNC_SLICE = 64
/** How often a session held back by history looks again. */
const HOLD_MS = 10

const isResult = (o: FrameOutcome): o is FrameResult =>
  o === undefined || o instanceof Uint8Array || (typeof o === "object" && "close" in o && !Effect.isEffect(o))

/**
 * Run a session until its socket closes (EOF, error, drop, idle timeout, interruption);
 * `admitted` (its place in the process-wide limits) is given back at the end. The socket comes
 * from a server created with `pauseOnConnect` (see readBuffer.ts).
 */
export const runSession = (accepted: net.Socket, options: SessionOptions, admitted?: () => void): Effect.Effect<void> =>
  Effect.gen(function* () {
    const { control, registry } = options
    // Chunks are read into a shared buffer (see readBuffer.ts); nothing is read before resume().
    const socket = adoptSocket(accepted, (chunk) => onData(chunk))
    const peer = socket.remoteAddress ?? "?"
    const peerPort = socket.remotePort ?? 0
    const local = socket.localAddress ?? "?"
    const localPort = socket.localPort ?? 0
    const key = sessionKey(peer, peerPort)
    const closed = yield* Deferred.make<void>()
    const framer = options.makeFramer()
    const handler = options.makeHandler({ peer, peerPort, local, localPort })

    let ended = false // no more frames are answered
    let finished = false // the socket is destroyed and the session over
    let lingerTimer: ReturnType<typeof setTimeout> | undefined
    let partialTimer: ReturnType<typeof setTimeout> | undefined
    let idleTimer: ReturnType<typeof setTimeout> | undefined
    let holdTimer: ReturnType<typeof setTimeout> | undefined
    let held = false // not reading while history catches up
    const end = () => {
      if (finished) return
      finished = true
      ended = true
      if (lingerTimer !== undefined) clearTimeout(lingerTimer)
      if (partialTimer !== undefined) clearTimeout(partialTimer)
      if (idleTimer !== undefined) clearTimeout(idleTimer)
      if (holdTimer !== undefined) clearTimeout(holdTimer)
      socket.destroy()
      Deferred.unsafeDone(closed, Exit.void)
    }
    // Close after a final reply: destroy() would discard replies node still holds in its write
    // buffer (several written in one tick), so end() flushes them and sends FIN; the session is
    // over when the peer closes too, or after LINGER_MS.
    const endGracefully = () => {
      if (ended) return
      ended = true
      socket.end()
      lingerTimer = setTimeout(end, LINGER_MS)
      lingerTimer.unref?.()
    }
    const entry: SessionEntry = {
      key, interface: peer, port: peerPort, local, localPort, since: Date.now(),
      received: 0, requests: 0, eof: false, drop: end, rearm: () => armIdle()
    }
    registry.add(entry)
    // What this session holds counts against the process's budget: past it, the sessions
    // holding the most are closed first (see limits.ts).
    let queuedBytes = 0
    const charge = options.limits?.charge({ held: () => (finished ? 0 : socket.writableLength + queuedBytes), shed: end })
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        end()
        registry.remove(key)
        charge?.release()
        admitted?.()
        handler.close()
      })
    )

    const stats = options.stats
    const send = (bytes: Uint8Array) => {
      if (ended) return
      if (stats !== undefined) stats.bytesOut += bytes.length
      socket.write(bytes)
      if (socket.writableLength > options.maxOutput) end() // the peer is not reading: drop it
      else if (socket.writableLength > 0) charge?.update()
    }
    const apply = (result: FrameResult) => {
      if (result === undefined) return
      if (result instanceof Uint8Array) return send(result)
      if (result.reply !== undefined) send(result.reply)
      endGracefully()
    }

    // Frames wait here (with their arrival time) while a delay is in force or an Effect is pending.
    const queue = yield* Queue.unbounded<QueuedFrame>()
    let queued = 0
    let paused = false
    const maxQueued = options.maxQueued ?? 1024 * 1024
    const enqueue = (item: QueuedFrame) => {
      queued++
      queuedBytes += item.frame.length
      queue.unsafeOffer(item)
      if (!paused && queuedBytes > maxQueued) { paused = true; socket.pause() }
      charge?.update()
    }

    // Back-pressure from history: while it is behind, stop reading; look again every HOLD_MS.
    const congested = options.congested
    const checkHold = () => {
      holdTimer = undefined
      if (finished) return
      if (congested!()) {
        holdTimer = setTimeout(checkHold, HOLD_MS)
        return
      }
      held = false
      if (!paused) socket.resume()
    }
    const holdIfBehind = () => {
      if (held || congested === undefined || !congested()) return
      held = true
      socket.pause()
      holdTimer = setTimeout(checkHold, HOLD_MS)
    }

    const answerAll = (frames: ReadonlyArray<Uint8Array>, delayed: boolean, arrived: number) => {
      let answered = 0
      for (const frame of frames) {
        entry.requests++
        // Beyond SYNC_SLICE frames in one chunk (a 64 KiB read can hold 1,400 pipelined
        // requests), the rest wait for the consumer, which gives the event loop a turn between
        // slices: 200 such sessions answered in one go held everyone for seconds.
        if (queued > 0 || delayed || answered >= SYNC_SLICE) {
          enqueue({ frame, at: Date.now(), arrived })
          continue
        }
        answered++
        let outcome: FrameOutcome
        try {
          outcome = handler.frame(frame)
        } catch {
          end() // a handler bug: drop this session only
          return
        }
        if (isResult(outcome)) {
          apply(outcome)
          if (stats !== undefined) stats.latency((performance.now() - arrived) / 1000)
          if (ended) return
        } else {
          enqueue({ frame, at: Date.now(), arrived, pending: outcome })
        }
      }
    }

    // A frame must complete within a bound of its first byte (the idle timer is re-armed by every
    // byte, so a peer trickling one byte at a time would otherwise hold the session forever).
    const watchPartial = (progress: boolean) => {
      if (partialTimer !== undefined && (progress || framer.buffered() === 0)) {
        clearTimeout(partialTimer)
        partialTimer = undefined
      }
      if (partialTimer === undefined && framer.buffered() > 0) {
        const idle = control.unsafeState().timeout
        partialTimer = setTimeout(end, (idle > 0 ? Math.min(idle, MAX_FRAME_SECONDS) : MAX_FRAME_SECONDS) * 1000)
        partialTimer.unref?.()
      }
    }

    const onData = (chunk: Uint8Array) => {
      if (ended) return
      const arrived = stats !== undefined ? performance.now() : 0
      if (stats !== undefined) stats.bytesIn += chunk.length
      entry.received += chunk.length
      const pushed = framer.push(chunk)
      const failure = Array.isArray(pushed) ? undefined : (pushed as FramerResult)
      const frames: ReadonlyArray<Uint8Array> = failure === undefined ? (pushed as ReadonlyArray<Uint8Array>) : failure.frames
      const delayed = control.unsafeState().delay.value > 0
      // Several pipelined requests in one chunk: their replies leave in one write (one syscall).
      const batch = frames.length > 1
      if (batch) socket.cork()
      try {
        answerAll(frames, delayed, arrived)
      } finally {
        if (batch && !socket.destroyed) socket.uncork()
      }
      if (ended) return
      holdIfBehind()
      watchPartial(frames.length > 0)
      if (failure !== undefined) {
        // The frames before the refused one are answered first (in order, through the queue
        // when replies are pending), then the 0x65 reply, then the session closes.
        const reply = handler.framingError({ reason: failure.error, ...(failure.header ? { header: failure.header } : {}) })
        const result: FrameResult = reply !== undefined ? { reply, close: true } : { close: true }
        if (queued > 0) {
          enqueue({ frame: EMPTY, at: Date.now(), arrived: -1, pending: Effect.succeed(result) })
        } else {
          apply(result)
        }
      }
    }

    // The ordered consumer: honours the delay measured from each frame's arrival. Frames whose
    // delay has passed run back to back, so it gives the event loop a turn every CONSUMER_SLICE
    // frames: when a delay ends for many sessions with long pipelines at once (200 × 1,200 frames
    // in the soak), answering them all in one go held every other session for seconds.
    let sinceTurn = 0
    const consumer = Effect.gen(function* () {
      for (;;) {
        if (++sinceTurn >= CONSUMER_SLICE) {
          sinceTurn = 0
          yield* Effect.sleep(0)
        }
        const { frame, at, arrived, pending } = yield* Queue.take(queue)
        const delay = control.unsafeState().delay.value
        if (delay > 0 && pending === undefined) {
          const now = yield* Clock.currentTimeMillis
          const wait = at + delay * 1000 - now
          if (wait > 0) {
            yield* Effect.sleep(wait)
            sinceTurn = 0
          }
        }
        const result = yield* Effect.suspend(() => {
          const outcome = pending ?? handler.frame(frame)
          return isResult(outcome) ? Effect.succeed(outcome) : outcome
        }).pipe(Effect.catchAllCause(() => Effect.sync(() => ({ close: true }) as const)))
        apply(result)
        if (stats !== undefined && arrived >= 0) stats.latency((performance.now() - arrived) / 1000)
        queued--
        queuedBytes -= frame.length
        if (paused && queuedBytes <= maxQueued / 2 && !ended) { paused = false; if (!held) socket.resume() }
        if (ended) return
      }
    })
    yield* Effect.forkScoped(consumer)

    // Idle timeout, checked IDLE_CHECKS times per period against a count of chunks read: closed
    // after one to (1 + 1/IDLE_CHECKS) periods without a byte. Node's own socket timeout would
    // re-arm a timer on every read and every write, a cost paid per request on a busy session.
    let idleSeen = -1
    let idleChecks = 0
    const checkIdle = (period: number) => {
      idleTimer = undefined
      if (finished) return
      if (idleSeen !== entry.received || queued > 0) { idleSeen = entry.received; idleChecks = 0 }
      else if (++idleChecks >= IDLE_CHECKS) return end()
      idleTimer = setTimeout(checkIdle, period / IDLE_CHECKS, period)
      idleTimer.unref?.()
    }
    const armIdle = () => {
      if (finished) return
      if (idleTimer !== undefined) clearTimeout(idleTimer)
      idleTimer = undefined
      const seconds = control.unsafeState().timeout
      if (seconds <= 0) return
      idleSeen = entry.received
      idleChecks = 0
      idleTimer = setTimeout(checkIdle, (seconds * 1000) / IDLE_CHECKS, seconds * 1000)
      idleTimer.unref?.()
    }
    armIdle()
    if (charge !== undefined) socket.on("drain", charge.update)
    socket.on("end", () => { entry.eof = true; end() })
    socket.on("close", end)
    socket.on("error", end)
    if (socket.destroyed) end()
    else socket.resume()

    yield* Deferred.await(closed)
  }).pipe(Effect.scoped)
