/**
 * Encapsulation frames as bytes, for the tests that drive the frame handler without a socket
 * (encapsulationHandler.test.ts, inPlace.test.ts).
 */

/** What a request's header carries besides its command and length. */
export interface Header {
  readonly session: number
  readonly context: Uint8Array
  readonly options: number
}

/** A frame of `command` carrying `data`; `length` is the header's length field (default: the data's). */
export const frame = (command: number, data: Uint8Array, h: Header, length = data.length): Uint8Array => {
  const f = new Uint8Array(24 + data.length)
  const dv = new DataView(f.buffer)
  dv.setUint16(0, command, true)
  dv.setUint16(2, length, true)
  dv.setUint32(4, h.session, true)
  f.set(h.context.subarray(0, 8), 12)
  dv.setUint32(20, h.options, true)
  f.set(data, 24)
  return f
}

/** SendRRData: Null Address + Unconnected Data carrying `cip`. */
export const sendRRFrame = (cip: Uint8Array, h: Header, interfaceHandle = 0, timeout = 5): Uint8Array => {
  const cpf = new Uint8Array(16 + cip.length)
  const dv = new DataView(cpf.buffer)
  dv.setUint32(0, interfaceHandle, true)
  dv.setUint16(4, timeout, true)
  dv.setUint16(6, 2, true)
  dv.setUint16(12, 0xb2, true)
  dv.setUint16(14, cip.length, true)
  cpf.set(cip, 16)
  return frame(0x6f, cpf, h)
}

/** SendUnitData: Connected Address `connection` + Connected Data (`sequence`, then `cip`). */
export const sendUnitFrame = (connection: number, sequence: number, cip: Uint8Array, h: Header): Uint8Array => {
  const cpf = new Uint8Array(22 + cip.length)
  const dv = new DataView(cpf.buffer)
  dv.setUint16(6, 2, true)
  dv.setUint16(8, 0xa1, true)
  dv.setUint16(10, 4, true)
  dv.setUint32(12, connection, true)
  dv.setUint16(16, 0xb1, true)
  dv.setUint16(18, cip.length + 2, true)
  dv.setUint16(20, sequence, true)
  cpf.set(cip, 22)
  return frame(0x70, cpf, h)
}
