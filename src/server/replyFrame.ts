/**
 * The reply frame to a SendRRData or SendUnitData request, written in one pass: encapsulation
 * header, interface handle and timeout, the two CPF items, and the CIP reply encoded in place in
 * the data item. The general `encodeFrame(encodeReply(...))` gives the same bytes, but builds the
 * frame's description, encodes the CIP reply into an array of its own and copies it again; on a
 * lock-step connection that work is paid once per request.
 *
 * The frame is taken from node's Buffer pool (`Buffer.allocUnsafe`, a slice of a shared 8 KiB
 * slab for replies under 4 KiB) rather than a typed array with a backing store of its own: the
 * socket writes it as it is, and no allocation reaches malloc per reply.
 */
import type { CipReply } from "../cip/model.js"
import { putU16, putU32, Writer } from "../cip/bytes.js"
import { writeReply } from "../cip/reply.js"
import { Command, HEADER_SIZE, ItemType } from "../enip/model.js"

/** What a reply frame echoes of its request's encapsulation header. */
export interface ReplyEcho {
  readonly sessionHandle: number
  readonly senderContext: Uint8Array
  readonly options: number
}

/** A reply frame and where its CIP reply lies in it (a view, not a copy). */
export interface ReplyFrame {
  readonly frame: Uint8Array
  readonly cip: Uint8Array
}

/**
 * Encode the frame carrying `reply` (a decoded reply, or bytes already encoded): unconnected
 * (SendRRData: Null Address and Unconnected Data items) when `connectionId` is undefined, else
 * connected (SendUnitData: that connection id, and `sequence` echoed in the Connected Data item).
 */
export const replyFrame = (
  header: ReplyEcho,
  interfaceHandle: number,
  timeout: number,
  connectionId: number | undefined,
  sequence: number,
  reply: CipReply | Uint8Array
): ReplyFrame => {
  const connected = connectionId !== undefined
  const w = new Writer(HEADER_SIZE + 64)
  w.skip(HEADER_SIZE)
  w.u32(interfaceHandle).u16(timeout).u16(2)
  if (connected) w.u16(ItemType.ConnectedAddress).u16(4).u32(connectionId).u16(ItemType.ConnectedData)
  else w.u16(ItemType.NullAddress).u16(0).u16(ItemType.UnconnectedData)
  const lengthAt = w.skip(2)
  const itemStart = w.pos
  if (connected) w.u16(sequence)
  const cipStart = w.pos
  if (reply instanceof Uint8Array) w.bytes(reply)
  else writeReply(w, reply)
  w.setU16(lengthAt, w.pos - itemStart)
  const frame = w.finishWith(allocate)
  putU16(frame, 0, connected ? Command.SendUnitData : Command.SendRRData)
  putU16(frame, 2, frame.length - HEADER_SIZE)
  putU32(frame, 4, header.sessionHandle)
  putU32(frame, 8, 0)
  for (let i = 0; i < 8; i++) frame[12 + i] = header.senderContext[i] ?? 0
  putU32(frame, 20, header.options)
  return { frame, cip: frame.subarray(cipStart) }
}

const allocate = (n: number): Uint8Array => Buffer.allocUnsafe(n)
