/**
 * The client's hot-path framing: SendRRData / SendUnitData request frames written in one
 * allocation, and a peek at a reply frame (command, status, sender context key, sequence count,
 * CIP data) without decoding every CPF item into objects. Same bytes as `enip/frame.ts`
 * produces (checked in the tests); the full codec is still used for everything else.
 */
import { Command, HEADER_SIZE, ItemType } from "../enip/model.js"

const header = (out: Uint8Array, dv: DataView, command: number, sessionHandle: number, key: number) => {
  dv.setUint16(0, command, true)
  dv.setUint16(2, out.length - HEADER_SIZE, true)
  dv.setUint32(4, sessionHandle >>> 0, true)
  dv.setUint32(12, key >>> 0, true) // sender context: key in the first 4 bytes, zeros after
}

/** SendRRData with a Null Address item and an Unconnected Data item carrying `cip`. */
export const encodeSendRRData = (sessionHandle: number, key: number, cip: Uint8Array): Uint8Array => {
  const out = new Uint8Array(40 + cip.length)
  const dv = new DataView(out.buffer)
  header(out, dv, Command.SendRRData, sessionHandle, key)
  dv.setUint16(30, 2, true) // item count (interface handle and timeout stay 0)
  dv.setUint16(36, ItemType.UnconnectedData, true)
  dv.setUint16(38, cip.length, true)
  out.set(cip, 40)
  return out
}

/** SendUnitData with a Connected Address item and a Connected Data item (sequence + `cip`). */
export const encodeSendUnitData = (sessionHandle: number, connectionId: number, sequence: number, cip: Uint8Array): Uint8Array => {
  const out = new Uint8Array(46 + cip.length)
  const dv = new DataView(out.buffer)
  header(out, dv, Command.SendUnitData, sessionHandle, 0)
  dv.setUint16(30, 2, true)
  dv.setUint16(32, ItemType.ConnectedAddress, true)
  dv.setUint16(34, 4, true)
  dv.setUint32(36, connectionId >>> 0, true)
  dv.setUint16(40, ItemType.ConnectedData, true)
  dv.setUint16(42, cip.length + 2, true)
  dv.setUint16(44, sequence, true)
  out.set(cip, 46)
  return out
}

/** What the client needs from a reply frame. */
export interface FramePeek {
  readonly command: number
  readonly status: number
  /** The first 4 bytes of the sender context (how unconnected replies are matched). */
  readonly key: number
  /** The connected sequence count, or -1 when there is no Connected Data item. */
  readonly sequence: number
  /** The CIP reply (Unconnected or Connected Data item, without the sequence), if any. */
  readonly data: Uint8Array | undefined
}

/** Peek into a whole frame; undefined when its CPF is malformed (its request then times out). */
export const peekFrame = (b: Uint8Array): FramePeek | undefined => {
  if (b.length < HEADER_SIZE) return undefined
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const command = dv.getUint16(0, true)
  const status = dv.getUint32(8, true)
  const key = dv.getUint32(12, true)
  let sequence = -1
  let data: Uint8Array | undefined
  if ((command === Command.SendRRData || command === Command.SendUnitData) && b.length >= HEADER_SIZE + 8) {
    const count = dv.getUint16(30, true)
    let p = 32
    // A CPF that does not fit its frame: still report the sender context, so the request it
    // answers fails at once (with an undecodable reply) instead of waiting for its timeout.
    const broken = { command, status, key, sequence: -1, data: undefined }
    for (let i = 0; i < count; i++) {
      if (p + 4 > b.length) return broken
      const type = dv.getUint16(p, true)
      const len = dv.getUint16(p + 2, true)
      const end = p + 4 + len
      if (end > b.length) return broken
      if (type === ItemType.UnconnectedData) data = b.subarray(p + 4, end)
      else if (type === ItemType.ConnectedData && len >= 2) {
        sequence = dv.getUint16(p + 4, true)
        data = b.subarray(p + 6, end)
      }
      p = end
    }
  }
  return { command, status, key, sequence, data }
}
