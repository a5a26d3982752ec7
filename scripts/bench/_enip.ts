/**
 * Raw EtherNet/IP frames for the load generators (_loadgen.ts, _fleetload.ts): RegisterSession,
 * Read Tag / Write Tag TAG[0] in SendRRData + Unconnected Send (route 1/0), and cutting a byte
 * stream into frames. Plain Buffers: the generators must cost as little CPU as they can.
 */

export const REGISTER = Buffer.from("65000400000000000000000000000000000000000000000001000000", "hex")

/** The symbolic path of TAG[0]. */
export const elementPath = (tag: string): Buffer => {
  const name = Buffer.from(tag, "latin1")
  return Buffer.concat([Buffer.from([0x91, name.length]), name, name.length % 2 ? Buffer.from([0]) : Buffer.alloc(0), Buffer.from([0x28, 0x00])])
}

/** SendRRData + Unconnected Send (route 1/0) carrying one Message Router request. */
export const unconnectedFrame = (session: number, mr: Buffer): Buffer => {
  const us = Buffer.concat([
    Buffer.from([0x52, 0x02, 0x20, 0x06, 0x24, 0x01, 0x05, 0x9d, mr.length & 0xff, mr.length >> 8]),
    mr, mr.length % 2 ? Buffer.from([0]) : Buffer.alloc(0), Buffer.from([0x01, 0x00, 0x01, 0x00])
  ])
  const cpf = Buffer.concat([Buffer.from([0, 0, 0, 0, 8, 0, 2, 0, 0, 0, 0, 0, 0xb2, 0, us.length & 0xff, us.length >> 8]), us])
  const h = Buffer.alloc(24)
  h.writeUInt16LE(0x6f, 0)
  h.writeUInt16LE(cpf.length, 2)
  h.writeUInt32LE(session, 4)
  return Buffer.concat([h, cpf])
}

/** Read Tag TAG[0], 1 element. */
export const readTagFrame = (session: number, tag: string): Buffer => {
  const path = elementPath(tag)
  return unconnectedFrame(session, Buffer.concat([Buffer.from([0x4c, path.length / 2]), path, Buffer.from([1, 0])]))
}

/** Write Tag TAG[0] = value (DINT). */
export const writeDintFrame = (session: number, tag: string, value: number): Buffer => {
  const path = elementPath(tag)
  const data = Buffer.alloc(8)
  data.writeUInt16LE(0xc4, 0)
  data.writeUInt16LE(1, 2)
  data.writeInt32LE(value, 4)
  return unconnectedFrame(session, Buffer.concat([Buffer.from([0x4d, path.length / 2]), path, data]))
}

/** Cuts frames from a byte stream: `push(chunk)` calls `onFrame` for each whole frame. */
export const frameCutter = (onFrame: (frame: Buffer) => void) => {
  let buf: Buffer = Buffer.alloc(0)
  return (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk
    while (buf.length >= 24) {
      const len = 24 + buf.readUInt16LE(2)
      if (buf.length < len) break
      const f = buf.subarray(0, len)
      buf = buf.subarray(len)
      onFrame(f)
    }
  }
}
