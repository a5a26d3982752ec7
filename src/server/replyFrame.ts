/**
 * The reply frame to a SendRRData or SendUnitData request, written in one pass: encapsulation
 * header, interface handle and timeout, the two CPF items, and the CIP reply encoded in place in
 * the data item. The general `encodeFrame(encodeReply(...))` gives the same bytes, but builds the
 * frame's description, encodes the CIP reply into an array of its own and copies it again; on a
 * lock-step connection that work is paid once per request.
 *
 * The frame is written straight into a buffer from node's Buffer pool (`Buffer.allocUnsafe`, a
 * slice of a shared 8 KiB slab for replies under 4 KiB) sized from the reply's length, rather than
 * into a scratch array and copied: the socket writes it as it is, no allocation reaches malloc per
 * reply, and a 2000-byte read reply is copied once, from the tag into the frame.
 */
import type { CipReply } from "../cip/model.js"
import { putU16, Writer } from "../cip/bytes.js"
import { writeReply } from "../cip/reply.js"
import { replyLength } from "../device/reply.js"
import { Command, HEADER_SIZE, ItemType } from "../enip/model.js"

/** A reply frame and where its CIP reply lies in it (a view, not a copy). */
export interface ReplyFrame {
  readonly frame: Uint8Array
  readonly cip: Uint8Array
}

/**
 * Interface handle, timeout, item count, the address item and the data item's header: 16 bytes;
 * 22 connected (the address item holds the connection id, the data item starts with the sequence).
 */
const cpfSize = (connected: boolean): number => (connected ? 22 : 16)

/**
 * Encode the frame carrying `reply` (a decoded reply, or bytes already encoded) in answer to the
 * frame `request`, whose session handle, sender context and options it echoes: unconnected
 * (SendRRData: Null Address and Unconnected Data items) when `connectionId` is undefined, else
 * connected (SendUnitData: that connection id, and `sequence` echoed in the Connected Data item).
 */
export const replyFrame = (
  request: Uint8Array,
  interfaceHandle: number,
  timeout: number,
  connectionId: number | undefined,
  sequence: number,
  reply: CipReply | Uint8Array
): ReplyFrame => {
  const connected = connectionId !== undefined
  const cipLength = reply instanceof Uint8Array ? reply.length : replyLength(reply)
  // replyLength is exact for the replies the controller makes; the Writer grows if it is not.
  const w = new Writer(0, frameBuffer(HEADER_SIZE + cpfSize(connected) + cipLength))
  w.u16(connected ? Command.SendUnitData : Command.SendRRData).u16(0)
  for (let i = 4; i < 24; i++) w.u8(i < 8 || i >= 12 ? request[i]! : 0) // session, status 0, context, options
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
  const frame = w.written()
  putU16(frame, 2, frame.length - HEADER_SIZE)
  return { frame, cip: frame.subarray(cipStart) }
}

/**
 * `n` bytes of node's Buffer pool, seen as a plain Uint8Array: encoders write through one kind
 * of array only (a Buffer among them would make every write site polymorphic, and slower).
 */
const frameBuffer = (n: number): Uint8Array => {
  const b = Buffer.allocUnsafe(n)
  return new Uint8Array(b.buffer, b.byteOffset, n)
}
