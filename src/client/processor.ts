/**
 * The pipelining engine: runs a list of operations through a request sender keeping up to
 * `depth` transactions in flight, optionally packing consecutive operations into Multiple
 * Service Packets, following 0x06 partial replies and write fragments, and delivering results in
 * operation order (replies may arrive in any order). Synchronous and callback-driven so the
 * socket's data callback drives it directly; the Effect API wraps it (see client.ts).
 *
 * Failures (CIP status, timeout, lost connection) become failed results; nothing here throws.
 */
import { Either } from "effect"
import { encodeEPath } from "../cip/epath.js"
import { ClassId, type CipReply, type CipRequest, type EPath } from "../cip/model.js"
import { Status } from "../cip/status.js"
import { typeSpecSize } from "../cip/types.js"
import type { ClientError } from "./errors.js"
import { makeJob, type Job, type Outcome } from "./jobs.js"
import type { Operation } from "./operations.js"
import type { Completion } from "./requestTable.js"
import type { OperationResult } from "./results.js"

/** Sends one CIP request and calls `done` exactly once (possibly synchronously) with its reply. */
export type SendRequest = (request: CipRequest, done: Completion<CipReply>) => void

export interface ProcessorOptions {
  /** Transactions in flight at once (≥ 1). */
  readonly depth: number
  /** Pack operations into Multiple Service Packets of at most this many bytes (0: no packing). */
  readonly multiple: number
  /** Always use the Fragmented tag services. */
  readonly fragment: boolean
  /** Largest single CIP request the connection carries (bytes). */
  readonly maxRequest: number
}

/** Counts kept while processing (the CLI's -v line and the benchmark read them). */
export interface ProcessorStats {
  /** CIP transactions sent (a Multiple Service Packet counts once). */
  requests: number
  /** Operations that failed. */
  failures: number
}

/** The Message Router path Multiple Service Packets are sent to. */
export const MESSAGE_ROUTER: EPath = [{ _tag: "Class", id: ClassId.MessageRouter }, { _tag: "Instance", id: 1 }]

const pathBytes = new WeakMap<EPath, number>()
const pathSize = (path: EPath): number => {
  let n = pathBytes.get(path)
  if (n === undefined) { n = encodeEPath(path).length; pathBytes.set(path, n) }
  return n
}

/** The encoded size of a request a job sends (without encoding it). */
export const requestSize = (req: CipRequest): number => {
  const head = 2 + pathSize(req.path)
  switch (req._tag) {
    case "ReadTag": return head + 2
    case "ReadTagFragmented": return head + 6
    case "WriteTag": return head + typeSpecSize(req.type) + 2 + req.data.length
    case "WriteTagFragmented": return head + typeSpecSize(req.type) + 6 + req.data.length
    case "SetAttributeSingle": return head + req.data.length
    default: return head + 16 // not packed in practice; a safe over-estimate
  }
}

const errorOutcome = (error: ClientError): Outcome => ({ ok: false, status: -1, extStatus: [], error })

/**
 * Run `operations`; `onResult` gets each result in order, then `onEnd` once with the stats.
 * Returns a function that stops issuing further requests (in-flight ones still complete).
 */
export const runOperations = (
  operations: ReadonlyArray<Operation>,
  send: SendRequest,
  options: ProcessorOptions,
  onResult: (result: OperationResult) => void,
  onEnd: (stats: ProcessorStats) => void
): (() => void) => {
  const depth = Math.max(1, Math.floor(options.depth))
  const jobOptions = { fragment: options.fragment, maxRequest: options.maxRequest }
  const total = operations.length
  const jobs: Array<Job | undefined> = new Array(total)
  const results: Array<OperationResult | undefined> = new Array(total)
  const continuations: Array<{ readonly index: number; readonly request: CipRequest }> = []
  const stats: ProcessorStats = { requests: 0, failures: 0 }
  let nextOp = 0
  let emitted = 0
  let inFlight = 0
  let pumping = false
  let ended = false
  let stopped = false

  const jobAt = (i: number): Job => {
    let j = jobs[i]
    if (j === undefined) { j = makeJob(operations[i]!, jobOptions); jobs[i] = j }
    return j
  }

  const finish = (index: number, outcome: Outcome): void => {
    jobs[index] = undefined
    if (!outcome.ok) stats.failures++
    results[index] = { index, operation: operations[index]!, ...outcome }
    while (emitted < total && results[emitted] !== undefined) {
      const r = results[emitted]!
      results[emitted] = undefined
      emitted++
      onResult(r)
    }
  }

  const step = (index: number, reply: CipReply): void => {
    const s = jobAt(index).onReply(reply)
    if (s._tag === "Done") finish(index, s.outcome)
    else continuations.push({ index, request: s.request })
  }

  const sendSingle = (index: number, request: CipRequest): void => {
    inFlight++
    stats.requests++
    send(request, (r) => {
      inFlight--
      if (Either.isLeft(r)) finish(index, errorOutcome(r.left))
      else step(index, r.right)
      pump()
    })
  }

  const sendPacket = (indices: ReadonlyArray<number>, requests: ReadonlyArray<CipRequest>): void => {
    inFlight++
    stats.requests++
    send({ _tag: "MultipleServicePacket", path: MESSAGE_ROUTER, requests }, (r) => {
      inFlight--
      if (Either.isLeft(r)) {
        for (const i of indices) finish(i, errorOutcome(r.left))
      } else {
        const reply = r.right
        if (reply._tag === "MultipleServicePacket" && reply.replies.length === indices.length) {
          // Status 0x1E only says some embedded reply failed; each carries its own status.
          indices.forEach((i, k) => step(i, reply.replies[k]!))
        } else if (reply.status === Status.ReplyDataTooLarge || reply.status === Status.RoutingFailureResponseTooLarge) {
          // Our reply-size estimate was short (reads of types we could not know): send each
          // operation of the packet on its own instead.
          for (const i of indices) continuations.push({ index: i, request: jobAt(i).first })
        } else {
          const status = reply.status !== 0 ? reply.status : Status.InvalidReplyReceived
          for (const i of indices) finish(i, { ok: false, status, extStatus: reply.extStatus })
        }
      }
      pump()
    })
  }

  /** Consecutive operations whose requests and (estimated) replies fit one packet. */
  const issueGroup = (): void => {
    const limit = options.multiple
    const indices: Array<number> = []
    const requests: Array<CipRequest> = []
    let req = 2 + pathSize(MESSAGE_ROUTER) + 2
    let rpy = 4 + 2
    while (nextOp < total) {
      const job = jobAt(nextOp)
      const s = requestSize(job.first) + 2
      const r = job.replySize + 2
      if (indices.length > 0 && (req + s > limit || rpy + r > limit)) break
      req += s
      rpy += r
      indices.push(nextOp)
      requests.push(job.first)
      nextOp++
    }
    if (indices.length === 1) sendSingle(indices[0]!, requests[0]!)
    else sendPacket(indices, requests)
  }

  const pump = (): void => {
    if (pumping) return // the outer loop below re-checks the window
    pumping = true
    while (inFlight < depth && !stopped) {
      const c = continuations.shift()
      if (c !== undefined) { sendSingle(c.index, c.request); continue }
      if (nextOp >= total) break
      if (options.multiple > 0) issueGroup()
      else { const i = nextOp++; sendSingle(i, jobAt(i).first) }
    }
    pumping = false
    if (!ended && (emitted === total || (stopped && inFlight === 0))) {
      ended = true
      onEnd(stats)
    }
  }

  pump()
  return () => {
    stopped = true
    pump()
  }
}
