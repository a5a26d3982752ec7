/** A tiny in-test controller answering CIP request objects with reply objects (no bytes). */
import { Either } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { decodeValues, elementSize, encodeValues, typeSpecOf, type CipValue, type TypeName } from "../../src/cip/types.js"
import type { Completion } from "../../src/client/requestTable.js"

export interface FakeTag { type: TypeName; values: Array<CipValue> }

const err = (service: number, status: number, ext: Array<number> = []): CipReply =>
  ({ _tag: "Error", service: service | 0x80, status, extStatus: ext, data: new Uint8Array(0) })

export const makeFakeDevice = (tags: Record<string, FakeTag>, maxReplyData = 480) => {
  const find = (req: CipRequest) => {
    const sym = req.path.find((s) => s._tag === "Symbolic")
    const el = req.path.find((s) => s._tag === "Element")
    if (sym === undefined || sym._tag !== "Symbolic") return undefined
    const tag = tags[sym.name]
    if (tag === undefined) return undefined
    return { tag, start: el !== undefined && el._tag === "Element" ? el.index : 0 }
  }
  const answer = (req: CipRequest): CipReply => {
    switch (req._tag) {
      case "MultipleServicePacket": {
        const replies = req.requests.map(answer)
        return { _tag: "MultipleServicePacket", service: 0x8a, status: replies.some((r) => r.status !== 0) ? 0x1e : 0, extStatus: [], replies }
      }
      case "ReadTag": case "ReadTagFragmented": {
        const f = find(req)
        if (f === undefined) return err(0x4c, 0x05)
        if (f.start + req.elements > f.tag.values.length) return err(0x4c, 0xff, [0x2105])
        const all = encodeValues(f.tag.type, f.tag.values.slice(f.start, f.start + req.elements))
        const offset = req._tag === "ReadTagFragmented" ? req.offset : 0
        const data = all.subarray(offset, offset + maxReplyData)
        const status = offset + data.length < all.length ? 0x06 : 0
        return { _tag: req._tag, service: (req._tag === "ReadTag" ? 0x4c : 0x52) | 0x80, status, extStatus: [], type: typeSpecOf(f.tag.type), data }
      }
      case "WriteTag": case "WriteTagFragmented": {
        const f = find(req)
        if (f === undefined) return err(0x4d, 0x05)
        const size = elementSize(f.tag.type)!
        const offset = req._tag === "WriteTagFragmented" ? req.offset : 0
        const vals = Either.getOrThrow(decodeValues(f.tag.type, req.data))
        if (f.start + offset / size + vals.length > f.tag.values.length) return err(0x4d, 0xff, [0x2105])
        vals.forEach((v, i) => { f.tag.values[f.start + offset / size + i] = v })
        return req._tag === "WriteTag"
          ? { _tag: "WriteTag", service: 0xcd, status: 0, extStatus: [] }
          : { _tag: "WriteTagFragmented", service: 0xd3, status: 0, extStatus: [] }
      }
      default: return err(0x0e, 0x08)
    }
  }
  return { answer, tags }
}

/** A sender that queues requests; the test decides when and in what order replies come. */
export const makeQueuedSender = (answer: (r: CipRequest) => CipReply) => {
  const queue: Array<{ request: CipRequest; done: Completion<CipReply> }> = []
  let maxInFlight = 0
  const sent: Array<CipRequest> = []
  return {
    send: (request: CipRequest, done: Completion<CipReply>) => {
      queue.push({ request, done })
      sent.push(request)
      maxInFlight = Math.max(maxInFlight, queue.length)
    },
    queue,
    sent,
    get maxInFlight() { return maxInFlight },
    /** Answer every queued request, newest first (out of order), until none remain. */
    drainReversed() {
      while (queue.length > 0) {
        const batch = queue.splice(0, queue.length).reverse()
        for (const q of batch) q.done(Either.right(answer(q.request)))
      }
    },
    drainInOrder() {
      while (queue.length > 0) { const q = queue.shift()!; q.done(Either.right(answer(q.request))) }
    }
  }
}
