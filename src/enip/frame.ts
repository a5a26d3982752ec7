/** Whole EtherNet/IP frames: header + command body, both directions. */
import { Either } from "effect"
import { fail, putU16, putU32, Writer } from "../cip/bytes.js"
import type { CodecError } from "../cip/errors.js"
import { decodeCpfAt, writeCpf } from "./cpf.js"
import { decodeHeader } from "./header.js"
import { Command, type EncapHeader, type EnipBody, type EnipFrame, HEADER_SIZE } from "./model.js"

const raw = (b: Uint8Array, h: EncapHeader, p: number, end: number): Either.Either<EnipBody, CodecError> =>
  Either.right({ _tag: "Unsupported", command: h.command, data: b.subarray(p, end) })

const decodeBody = (b: Uint8Array, h: EncapHeader, p: number, end: number): Either.Either<EnipBody, CodecError> => {
  const len = end - p
  switch (h.command) {
    case Command.Nop:
      return Either.right({ _tag: "Nop", data: b.subarray(p, end) })
    case Command.ListServices: case Command.ListIdentity: case Command.ListInterfaces: {
      const _tag = h.command === Command.ListServices ? "ListServices" : h.command === Command.ListIdentity ? "ListIdentity" : "ListInterfaces"
      const items = decodeCpfAt(b, p, end)
      if (Either.isLeft(items)) return h.status !== 0 ? raw(b, h, p, end) : Either.left(items.left)
      return Either.right(len > 0 && items.right.length === 0 ? { _tag, items: items.right, emptyCpf: true } : { _tag, items: items.right })
    }
    case Command.RegisterSession:
      if (len !== 4) return h.status !== 0 ? raw(b, h, p, end) : fail("BadLength", 2, `RegisterSession data is ${len} bytes, not 4`)
      return Either.right({ _tag: "RegisterSession", protocolVersion: b[p]! | (b[p + 1]! << 8), options: b[p + 2]! | (b[p + 3]! << 8) })
    case Command.UnregisterSession:
      return len === 0 ? Either.right({ _tag: "UnregisterSession" }) : raw(b, h, p, end)
    case Command.SendRRData: case Command.SendUnitData: {
      if (len < 6) return h.status !== 0 ? raw(b, h, p, end) : fail("Truncated", p, "SendRRData/SendUnitData interface handle and timeout")
      // The CPF item count is required here (unlike ListIdentity's empty request): a body of only the
      // handle and timeout is not an empty CPF, and would not encode back to the same bytes.
      if (len < 8) return h.status !== 0 ? raw(b, h, p, end) : fail("Truncated", p + 6, "SendRRData/SendUnitData CPF item count")
      const items = decodeCpfAt(b, p + 6, end)
      if (Either.isLeft(items)) return h.status !== 0 ? raw(b, h, p, end) : Either.left(items.left)
      return Either.right({
        _tag: h.command === Command.SendRRData ? "SendRRData" : "SendUnitData",
        interfaceHandle: (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000, timeout: b[p + 4]! | (b[p + 5]! << 8),
        items: items.right
      })
    }
    default:
      return raw(b, h, p, end)
  }
}

/**
 * Decode one whole frame (the buffer must hold exactly the header and its `length` bytes).
 * Unknown commands decode to an `Unsupported` body (the server answers them with status 0x0001).
 */
export const decodeFrame = (bytes: Uint8Array): Either.Either<EnipFrame, CodecError> => {
  const h = decodeHeader(bytes, 0)
  if (Either.isLeft(h)) return Either.left(h.left)
  const header = h.right
  const end = HEADER_SIZE + header.length
  if (end > bytes.length) return fail("Truncated", 2, `header length ${header.length} but only ${bytes.length - HEADER_SIZE} data bytes`)
  if (end < bytes.length) return fail("BadLength", 2, `header length ${header.length} but ${bytes.length - HEADER_SIZE} data bytes`)
  return Either.map(decodeBody(bytes, header, HEADER_SIZE, end), (body) => ({ header, body }))
}

/** The encapsulation command a body encodes with. */
export const bodyCommand = (body: EnipBody): number =>
  body._tag === "Unsupported" ? body.command : Command[body._tag]

/** The input of `encodeFrame`: length (and command, from the body) are computed. */
export interface FrameInput {
  readonly header: Omit<EncapHeader, "length" | "command"> & { readonly command?: number }
  readonly body: EnipBody
}

/** Encode a frame; `length` is computed and `command` comes from the body unless given. */
export const encodeFrame = (frame: FrameInput): Uint8Array => {
  const w = new Writer(HEADER_SIZE + 64)
  w.skip(HEADER_SIZE)
  const body = frame.body
  switch (body._tag) {
    case "Nop": case "Unsupported": w.bytes(body.data); break
    case "ListServices": case "ListIdentity": case "ListInterfaces":
      if (body.items.length > 0 || body.emptyCpf === true) writeCpf(w, body.items)
      break
    case "RegisterSession": w.u16(body.protocolVersion).u16(body.options); break
    case "UnregisterSession": break
    case "SendRRData": case "SendUnitData":
      w.u32(body.interfaceHandle).u16(body.timeout)
      writeCpf(w, body.items)
      break
  }
  const out = w.finish()
  const h = frame.header
  putU16(out, 0, h.command ?? bodyCommand(body))
  putU16(out, 2, out.length - HEADER_SIZE)
  putU32(out, 4, h.sessionHandle)
  putU32(out, 8, h.status)
  for (let i = 0; i < 8; i++) out[12 + i] = h.senderContext[i] ?? 0
  putU32(out, 20, h.options)
  return out
}
