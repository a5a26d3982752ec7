/**
 * The in-process fuzz target: one mutant frame goes through the whole decode/answer path the
 * server uses (stream framer → frame → CPF → CIP request → controller → reply encode → reply
 * decode), and a mutated CIP reply goes through the client's reply decoder. Invariants: nothing
 * throws, every failure is a `CodecError` with a known reason, the controller always answers, and
 * what the controller answers decodes again.
 */
import { Effect, Either, Exit } from "effect"
import { CodecError } from "../../src/cip/errors.js"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { decodeReply, encodeReply } from "../../src/cip/reply.js"
import { decodeRequest } from "../../src/cip/request.js"
import { type ControllerService, makeController } from "../../src/device/controller.js"
import { decodeFrame } from "../../src/enip/frame.js"
import { makeFramer } from "../../src/enip/framer.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { mutateCip, mutateFrame, prng, type Rng } from "./mutate.js"
import { FUZZ_TAGS, seeds, sendRR } from "./seeds.js"

const REASONS = new Set(["Truncated", "BadLength", "BadSegment", "BadOffset", "BadValue", "TooLarge", "Unsupported"])

export interface Crash {
  readonly where: string
  readonly how: string
  readonly input: string
  readonly error: string
}

export interface InProcessReport {
  frames: number
  requestsHandled: number
  kinds: Map<string, number>
  crashes: Array<Crash>
  millis: number
  /** The slowest mutants (whole pipeline, ms), slowest first. */
  slowest: Array<{ readonly ms: number; readonly how: string; readonly input: string }>
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")

export const makeTarget = () => {
  const store = Effect.runSync(makeTagStore(FUZZ_TAGS))
  // A fixed clock: connection timeouts are not under test here, and a table full of Forward
  // Open connections is (the limit answers 0x01/0x0113 instead of growing).
  const ctl: ControllerService = makeController(store, { maxConnections: 64 })
  return { store, ctl }
}

/** Classify an Either from a decoder; a non-CodecError left is a crash. */
const kindOf = (e: unknown): string | undefined =>
  e instanceof CodecError && REASONS.has(e.reason) ? `codec:${e.reason}` : undefined

const answer = (ctl: ControllerService, req: CipRequest, maxReply: number): CipReply => {
  const r = ctl.handle(req, { session: 1, maxReply })
  if (!Effect.isEffect(r)) return r
  const exit = Effect.runSyncExit(r)
  if (Exit.isSuccess(exit)) return exit.value
  throw new Error(`controller Effect failed: ${String(exit.cause)}`)
}

/**
 * Run `frames` mutants from `seed`. Each mutant: framed (in random chunks), decoded, its CIP
 * answered and the answer round-tripped; and one mutated reply decoded as the client would.
 */
export const fuzzInProcess = (frames: number, seed: number): InProcessReport => {
  const r: Rng = prng(seed)
  const { ctl } = makeTarget()
  const { requests, cip, frames: seedFrames } = seeds(1)
  // Replies to mutate: what the controller answers to each seed request.
  const replies = requests.map((q) => ({ q, bytes: encodeReply(answer(ctl, q, 504)) }))
  const report: InProcessReport = { frames: 0, requestsHandled: 0, kinds: new Map(), crashes: [], millis: 0, slowest: [] }
  const count = (k: string) => report.kinds.set(k, (report.kinds.get(k) ?? 0) + 1)
  const started = performance.now()
  for (let i = 0; i < frames; i++) {
    const m = mutateFrame(seedFrames, cip, r, (c) => sendRR(1, c, i))
    report.frames++
    const t0 = performance.now()
    let stage = "framer"
    try {
      // Stream framing across random chunk boundaries.
      const framer = makeFramer(4096)
      let p = 0
      while (p < m.bytes.length) {
        const n = 1 + r.int(64)
        const got = framer.push(m.bytes.subarray(p, p + n))
        if (Either.isLeft(got)) { const k = kindOf(got.left); if (k === undefined) throw got.left; break }
        p += n
      }
      stage = "frame"
      const f = decodeFrame(m.bytes)
      if (Either.isLeft(f)) {
        const k = kindOf(f.left)
        if (k === undefined) throw new Error(`non-CodecError failure: ${String(f.left)}`)
        count(`frame ${k}`)
      } else {
        const body = f.right.body
        const items = body._tag === "SendRRData" || body._tag === "SendUnitData" ? body.items : []
        let sawData = false
        for (const item of items) {
          if (item._tag !== "UnconnectedData" && item._tag !== "ConnectedData") continue
          sawData = true
          stage = "request"
          const q = decodeRequest(item.data)
          if (Either.isLeft(q)) {
            const k = kindOf(q.left)
            if (k === undefined) throw new Error(`non-CodecError failure: ${String(q.left)}`)
            count(`request ${k}`)
            continue
          }
          stage = "controller"
          const maxReply = item._tag === "ConnectedData" ? 4000 : 504
          const reply = answer(ctl, q.right, maxReply)
          report.requestsHandled++
          count(reply.status === 0 ? "cip:ok" : `cip:0x${reply.status.toString(16).padStart(2, "0")}`)
          stage = "reply-encode"
          const out = encodeReply(reply)
          stage = "reply-roundtrip"
          const back = decodeReply(out, q.right)
          if (Either.isLeft(back)) throw new Error(`the controller's own reply does not decode: ${back.left.message} (reply ${hex(out)})`)
        }
        if (!sawData) count(`frame ok:${body._tag}`)
      }
      // The client side: a mutated reply to a known request.
      stage = "client-reply"
      const { q, bytes } = r.pick(replies)
      const mr = mutateCip(bytes, r)
      const rd = decodeReply(mr.bytes, q)
      if (Either.isLeft(rd) && kindOf(rd.left) === undefined) throw new Error(`non-CodecError failure: ${String(rd.left)}`)
    } catch (e) {
      report.crashes.push({ where: stage, how: m.how, input: hex(m.bytes).slice(0, 4000), error: e instanceof Error ? `${e.message}\n${e.stack ?? ""}`.slice(0, 2000) : String(e) })
    }
    const ms = performance.now() - t0
    if (report.slowest.length < 5 || ms > report.slowest[report.slowest.length - 1]!.ms) {
      report.slowest.push({ ms, how: m.how, input: hex(m.bytes).slice(0, 400) })
      report.slowest.sort((a, b) => b.ms - a.ms)
      report.slowest.length = Math.min(report.slowest.length, 5)
    }
  }
  report.millis = performance.now() - started
  return report
}
