/**
 * From an Operation to the CIP requests that carry it out, one step at a time: a read answered
 * with status 0x06 (partial) continues with Read Tag Fragmented from the next byte offset; a write
 * too large for one request is split into Write Tag Fragmented chunks. Pure: a job turns a reply
 * into either a final outcome or the next request to send.
 */
import { Either } from "effect"
import { encodeEPath } from "../cip/epath.js"
import type { StructLayout } from "../cip/layout.js"
import type { CipReply, CipRequest, EPath } from "../cip/model.js"
import { Status } from "../cip/status.js"
import {
  CipType, decodeValues, elementSize, encodeValues, typeNameOf, typeSpecOf, typeSpecSize, type CipValue, type TypeName
} from "../cip/types.js"
import type { ClientError } from "./errors.js"
import { operationPath, type Operation } from "./operations.js"

/** The part of a result a job decides (the processor adds index and operation). */
export interface Outcome {
  readonly ok: boolean
  readonly status: number
  readonly extStatus: ReadonlyArray<number>
  readonly type?: TypeName
  readonly values?: ReadonlyArray<CipValue>
  readonly raw?: Uint8Array
  /** The structure handle of a structure read (its `raw` bytes decode by the template; see templates.ts). */
  readonly handle?: number
  /** The structure type, once its values are decoded by member (`Motor`). */
  readonly structure?: StructLayout
  readonly error?: ClientError
}

export type Step =
  | { readonly _tag: "Done"; readonly outcome: Outcome }
  | { readonly _tag: "Next"; readonly request: CipRequest }

/** One operation in progress. `first` is the first request; `onReply` decides what comes next. */
export interface Job {
  readonly first: CipRequest
  readonly onReply: (reply: CipReply) => Step
  /** A rough size of the reply to `first` (for packing replies into Multiple Service Packets). */
  readonly replySize: number
}

export interface JobOptions {
  /** Always use Read/Write Tag Fragmented. */
  readonly fragment: boolean
  /** Largest CIP request (Message Router request bytes) one transaction may carry. */
  readonly maxRequest: number
}

/** A failed outcome from a reply's status (error replies carry no data). */
export const failedOutcome = (reply: CipReply): Outcome => ({ ok: false, status: reply.status, extStatus: reply.extStatus })

const done = (outcome: Outcome): Step => ({ _tag: "Done", outcome })

/** A failure found by the client itself (e.g. a reply that answers a different service). */
const unexpected = (reply: CipReply): Step =>
  done({ ok: false, status: reply.status === 0 ? Status.InvalidReplyReceived : reply.status, extStatus: reply.extStatus })

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  let n = 0
  for (const c of chunks) n += c.length
  const out = new Uint8Array(n)
  let o = 0
  for (const c of chunks) { out.set(c, o); o += c.length }
  return out
}

/** Bytes of a request header before its data: service, path size, path. */
const headerSize = (path: EPath): number => 2 + encodeEPath(path).length

const readJob = (op: Operation, path: EPath, options: JobOptions): Job => {
  const elements = op.elements ?? 1
  const start = op.offset ?? 0
  const fragmented = options.fragment || op.offset !== undefined
  const chunks: Array<Uint8Array> = []
  let received = 0
  const first = firstRequest(op, fragmented, () => fragmented
    ? { _tag: "ReadTagFragmented", path, elements, offset: start }
    : { _tag: "ReadTag", path, elements })
  return {
    first,
    replySize: 8 + elements * 4,
    onReply: (reply) => {
      if (reply._tag !== "ReadTag" && reply._tag !== "ReadTagFragmented") {
        return reply.status !== 0 ? done(failedOutcome(reply)) : unexpected(reply)
      }
      if (reply.status !== 0 && reply.status !== Status.PartialTransfer) return done(failedOutcome(reply))
      chunks.push(reply.data)
      received += reply.data.length
      if (reply.status === Status.PartialTransfer) {
        // An empty partial reply would never finish: refuse it rather than loop.
        if (reply.data.length === 0) return done(failedOutcome(reply))
        return { _tag: "Next", request: { _tag: "ReadTagFragmented", path, elements, offset: start + received } }
      }
      const data = concat(chunks)
      const type = typeNameOf(reply.type)
      if (type === undefined) {
        const handle = reply.type.code === CipType.STRUCT ? reply.type.handle : undefined
        return done({ ok: true, status: 0, extStatus: [], raw: data, ...(handle !== undefined ? { handle } : {}) })
      }
      // Whole elements only: a reply ending in part of one is malformed, not a shorter read.
      const size = elementSize(type)
      const values = decodeValues(type, data, size === undefined ? undefined : Math.ceil(data.length / size))
      if (Either.isLeft(values)) return done({ ok: false, status: Status.InvalidReplyReceived, extStatus: [] })
      return done({ ok: true, status: 0, extStatus: [], type, values: values.right })
    }
  }
}

const attributeReadJob = (op: Operation, path: EPath): Job => {
  const single = op.target._tag === "Numeric" && op.target.attribute !== undefined
  return {
    first: single ? { _tag: "GetAttributeSingle", path } : { _tag: "GetAttributesAll", path },
    replySize: 64,
    onReply: (reply) => {
      if (reply.status !== 0) return done(failedOutcome(reply))
      if (reply._tag === "GetAttributeSingle" || reply._tag === "GetAttributesAll" || reply._tag === "Generic") {
        return done({ ok: true, status: 0, extStatus: [], raw: reply.data })
      }
      return unexpected(reply)
    }
  }
}

const writeJob = (op: Operation, path: EPath, options: JobOptions): Job => {
  const type = op.type ?? "INT"
  const values = op.values ?? []
  const spec = typeSpecOf(type)
  const data = encodedValues(op, type, values)
  const elements = op.elements ?? values.length
  const wrote: Outcome = { ok: true, status: 0, extStatus: [], type, values }
  const plainSize = headerSize(path) + typeSpecSize(spec) + 2 + data.length
  const size = elementSize(type)
  const mustSplit = plainSize > options.maxRequest && size !== undefined && type !== "SSTRING"
  const fragmented = options.fragment || op.offset !== undefined || mustSplit
  const onStatus = (reply: CipReply, next: () => Step): Step => {
    if (reply.status !== 0) return done(failedOutcome(reply))
    if (reply._tag !== "WriteTag" && reply._tag !== "WriteTagFragmented") return unexpected(reply)
    return next()
  }
  if (!fragmented) {
    return {
      first: firstRequest(op, false, () => ({ _tag: "WriteTag", path, type: spec, elements, data })),
      replySize: 4,
      onReply: (reply) => onStatus(reply, () => done(wrote))
    }
  }
  // Chunks of whole elements that fit a request beside its header (service, path, type,
  // elements, offset); at least one element per chunk.
  const room = options.maxRequest - (headerSize(path) + typeSpecSize(spec) + 2 + 4)
  const unit = size ?? 1
  const chunkBytes = Math.max(unit, Math.floor(Math.max(room, unit) / unit) * unit)
  const base = op.offset ?? 0
  const request = (at: number): CipRequest => ({
    _tag: "WriteTagFragmented",
    path,
    type: spec,
    elements,
    offset: base + at,
    data: data.subarray(at, Math.min(data.length, at + chunkBytes))
  })
  let at = 0
  return {
    first: request(0),
    replySize: 4,
    onReply: (reply) =>
      onStatus(reply, () => {
        at += chunkBytes
        return at < data.length ? { _tag: "Next", request: request(at) } : done(wrote)
      })
  }
}

const attributeWriteJob = (op: Operation, path: EPath): Job => {
  const data = encodeValues(op.type ?? "INT", op.values ?? [])
  return {
    first: { _tag: "SetAttributeSingle", path, data },
    replySize: 4,
    onReply: (reply) => {
      if (reply.status !== 0) return done(failedOutcome(reply))
      return done({ ok: true, status: 0, extStatus: [], ...(op.type !== undefined ? { type: op.type } : {}), values: op.values ?? [] })
    }
  }
}

/** Integer types a bit can be taken from, and their sizes (RMW masks are this wide). */
const bitHost = (reply: CipReply): { type: TypeName; size: number; value: bigint } | undefined => {
  if (reply._tag !== "ReadTag") return undefined
  const type = typeNameOf(reply.type)
  if (type === undefined || !["SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "DWORD"].includes(type)) return undefined
  const size = elementSize(type)!
  if (reply.data.length < size) return undefined
  let value = 0n
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(reply.data[i]!)
  return { type, size, value }
}

/** A bit outside its element's type, or an element that is not an integer: refused like a controller. */
const notABit = (): Step => done({ ok: false, status: Status.GeneralError, extStatus: [0x2107] })

/**
 * A bit (`DINT1.5`): read the element; a write then sets or clears the bit by Read-Modify-Write
 * with masks as wide as the element, so nothing else in it changes (pylogix and pycomm3 do the same).
 */
const bitJob = (op: Operation, path: EPath): Job => {
  const bit = BigInt(op.bit!)
  const set = op.method === "write" && (op.values?.[0] === true || op.values?.[0] === 1)
  let wrote = false
  return {
    first: { _tag: "ReadTag", path, elements: 1 },
    replySize: 16,
    onReply: (reply) => {
      if (reply.status !== 0) return done(failedOutcome(reply))
      if (wrote) return reply._tag === "ReadModifyWriteTag" ? done({ ok: true, status: 0, extStatus: [], type: "BOOL", values: [set] }) : unexpected(reply)
      const host = bitHost(reply)
      if (host === undefined) return reply._tag === "ReadTag" ? notABit() : unexpected(reply)
      if (bit >= BigInt(8 * host.size)) return notABit()
      if (op.method === "read") return done({ ok: true, status: 0, extStatus: [], type: "BOOL", values: [((host.value >> bit) & 1n) === 1n] })
      const orMask = new Uint8Array(host.size)
      const andMask = new Uint8Array(host.size).fill(0xff)
      const byte = Number(bit >> 3n)
      const mask = 1 << Number(bit & 7n)
      if (set) orMask[byte] = mask
      else andMask[byte] = 0xff & ~mask
      wrote = true
      return { _tag: "Next", request: { _tag: "ReadModifyWriteTag", path, orMask, andMask } }
    }
  }
}

/**
 * The job for an operation. Symbolic tags (and numeric paths with an element index) use the
 * Logix tag services; `@cls/ins/att` uses Get/Set Attribute Single and `@cls/ins` Get Attributes All.
 */
// Operations are immutable: the first request of a read or plain write is built once per
// operation, so a session can cache its encoding when the same operations are polled again.
const firstPlain = new WeakMap<Operation, CipRequest>()
const firstFragmented = new WeakMap<Operation, CipRequest>()
const firstRequest = (op: Operation, fragmented: boolean, make: () => CipRequest): CipRequest => {
  const cache = fragmented ? firstFragmented : firstPlain
  let r = cache.get(op)
  if (r === undefined) { r = make(); cache.set(op, r) }
  return r
}
const valueBytes = new WeakMap<Operation, Uint8Array>()
const encodedValues = (op: Operation, type: TypeName, values: ReadonlyArray<CipValue>): Uint8Array => {
  let b = valueBytes.get(op)
  if (b === undefined) { b = encodeValues(type, values); valueBytes.set(op, b) }
  return b
}

// Operations are immutable, so their paths are computed once (and keep one identity, which
// lets the request size cache in processor.ts hit when operations repeat).
const paths = new WeakMap<Operation, EPath>()
const pathOf = (op: Operation): EPath => {
  let p = paths.get(op)
  if (p === undefined) { p = operationPath(op); paths.set(op, p) }
  return p
}

export const makeJob = (op: Operation, options: JobOptions): Job => {
  const path = pathOf(op)
  const attribute = op.target._tag === "Numeric" && op.element === undefined
  if (op.bit !== undefined) return bitJob(op, path)
  if (op.method === "write") return attribute ? attributeWriteJob(op, path) : writeJob(op, path, options)
  return attribute ? attributeReadJob(op, path) : readJob(op, path, options)
}
