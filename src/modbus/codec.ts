/**
 * The Modbus/TCP codec: MBAP header, request and response PDUs of function codes 1, 2, 3, 4, 5,
 * 6, 15, 16, 22, 23 and 43/14, exception responses. Plain synchronous functions over
 * `Uint8Array` (big-endian on the wire), no Effect: the server's and the client's per-frame paths
 * call them directly.
 *
 * Decoding a request never throws: a PDU that does not fit its function code gives the
 * exception code a PLC answers with (01 unknown function, 03 a malformed or out-of-limit field).
 */

/** Function codes. */
export const Fc = {
  ReadCoils: 1,
  ReadDiscreteInputs: 2,
  ReadHoldingRegisters: 3,
  ReadInputRegisters: 4,
  WriteSingleCoil: 5,
  WriteSingleRegister: 6,
  WriteMultipleCoils: 15,
  WriteMultipleRegisters: 16,
  MaskWriteRegister: 22,
  ReadWriteMultipleRegisters: 23,
  EncapsulatedInterface: 43
} as const

/** MEI type of Read Device Identification (function 43). */
export const MEI_DEVICE_ID = 0x0e

/** Exception codes (Modbus Application Protocol v1.1b3, §7). */
export const ExceptionCode = {
  IllegalFunction: 0x01,
  IllegalDataAddress: 0x02,
  IllegalDataValue: 0x03,
  ServerDeviceFailure: 0x04,
  Acknowledge: 0x05,
  ServerDeviceBusy: 0x06,
  GatewayPathUnavailable: 0x0a,
  GatewayTargetFailed: 0x0b
} as const

const EXCEPTION_NAMES: Record<number, string> = {
  1: "illegal function", 2: "illegal data address", 3: "illegal data value", 4: "server device failure",
  5: "acknowledge", 6: "server device busy", 8: "memory parity error", 10: "gateway path unavailable",
  11: "gateway target device failed to respond"
}

/** `exception 02 (illegal data address)`. */
export const describeException = (code: number): string =>
  `exception ${code.toString(16).padStart(2, "0")} (${EXCEPTION_NAMES[code] ?? "unknown"})`

/** Quantity limits per request (the PDU is at most 253 bytes). */
export const LIMITS = {
  readBits: 2000,
  readRegisters: 125,
  writeBits: 1968,
  writeRegisters: 123,
  readWriteWriteRegisters: 121
} as const

/** Largest MBAP length field: unit id + 253-byte PDU. */
export const MAX_MBAP_LENGTH = 254
export const MBAP_SIZE = 7

/** The MBAP header of a frame. */
export interface Mbap {
  readonly transaction: number
  readonly protocol: number
  /** The length field: unit id + PDU bytes. */
  readonly length: number
  readonly unit: number
}

export const readMbap = (frame: Uint8Array): Mbap => ({
  transaction: (frame[0]! << 8) | frame[1]!,
  protocol: (frame[2]! << 8) | frame[3]!,
  length: (frame[4]! << 8) | frame[5]!,
  unit: frame[6]!
})

/** A whole ADU: MBAP + PDU. */
export const encodeAdu = (transaction: number, unit: number, pdu: Uint8Array): Uint8Array => {
  const out = new Uint8Array(MBAP_SIZE + pdu.length)
  out[0] = (transaction >> 8) & 0xff
  out[1] = transaction & 0xff
  out[4] = ((pdu.length + 1) >> 8) & 0xff
  out[5] = (pdu.length + 1) & 0xff
  out[6] = unit & 0xff
  out.set(pdu, MBAP_SIZE)
  return out
}

// --- requests ------------------------------------------------------------------------------------

/** A decoded request PDU. Addresses are zero-based wire addresses. */
export type ModbusRequest =
  | { readonly fc: 1 | 2 | 3 | 4; readonly address: number; readonly quantity: number }
  | { readonly fc: 5; readonly address: number; readonly value: boolean }
  | { readonly fc: 6; readonly address: number; readonly value: number }
  | { readonly fc: 15; readonly address: number; readonly values: ReadonlyArray<boolean> }
  | { readonly fc: 16; readonly address: number; readonly values: ReadonlyArray<number> }
  | { readonly fc: 22; readonly address: number; readonly and: number; readonly or: number }
  | { readonly fc: 23; readonly readAddress: number; readonly readQuantity: number; readonly writeAddress: number; readonly values: ReadonlyArray<number> }
  | { readonly fc: 43; readonly code: number; readonly objectId: number }

/** A request that fails decoding: the exception code to answer with. */
export interface RequestException {
  readonly fc: number
  readonly exception: number
}

const u16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!
const ex = (fc: number, exception: number): RequestException => ({ fc, exception })

export const unpackBits = (b: Uint8Array, from: number, count: number): Array<boolean> => {
  const out = new Array<boolean>(count)
  for (let i = 0; i < count; i++) out[i] = (b[from + (i >> 3)]! & (1 << (i & 7))) !== 0
  return out
}

export const packBits = (values: ReadonlyArray<boolean>, into: Uint8Array, at: number): void => {
  for (let i = 0; i < values.length; i++) if (values[i]) into[at + (i >> 3)]! |= 1 << (i & 7)
}

/** Decode a request PDU (function code first). */
export const decodeRequest = (pdu: Uint8Array): ModbusRequest | RequestException => {
  if (pdu.length < 1) return ex(0, ExceptionCode.IllegalFunction)
  const fc = pdu[0]!
  const n = pdu.length
  switch (fc) {
    case 1: case 2: case 3: case 4: {
      if (n !== 5) return ex(fc, ExceptionCode.IllegalDataValue)
      const quantity = u16(pdu, 3)
      const limit = fc <= 2 ? LIMITS.readBits : LIMITS.readRegisters
      if (quantity < 1 || quantity > limit) return ex(fc, ExceptionCode.IllegalDataValue)
      return { fc, address: u16(pdu, 1), quantity }
    }
    case 5: {
      if (n !== 5) return ex(fc, ExceptionCode.IllegalDataValue)
      const v = u16(pdu, 3)
      if (v !== 0xff00 && v !== 0x0000) return ex(fc, ExceptionCode.IllegalDataValue)
      return { fc, address: u16(pdu, 1), value: v === 0xff00 }
    }
    case 6:
      if (n !== 5) return ex(fc, ExceptionCode.IllegalDataValue)
      return { fc, address: u16(pdu, 1), value: u16(pdu, 3) }
    case 15: {
      if (n < 6) return ex(fc, ExceptionCode.IllegalDataValue)
      const quantity = u16(pdu, 3)
      const bytes = pdu[5]!
      if (quantity < 1 || quantity > LIMITS.writeBits || bytes !== Math.ceil(quantity / 8) || n !== 6 + bytes) return ex(fc, ExceptionCode.IllegalDataValue)
      return { fc, address: u16(pdu, 1), values: unpackBits(pdu, 6, quantity) }
    }
    case 16: {
      if (n < 6) return ex(fc, ExceptionCode.IllegalDataValue)
      const quantity = u16(pdu, 3)
      const bytes = pdu[5]!
      if (quantity < 1 || quantity > LIMITS.writeRegisters || bytes !== quantity * 2 || n !== 6 + bytes) return ex(fc, ExceptionCode.IllegalDataValue)
      const values = new Array<number>(quantity)
      for (let i = 0; i < quantity; i++) values[i] = u16(pdu, 6 + 2 * i)
      return { fc, address: u16(pdu, 1), values }
    }
    case 22:
      if (n !== 7) return ex(fc, ExceptionCode.IllegalDataValue)
      return { fc, address: u16(pdu, 1), and: u16(pdu, 3), or: u16(pdu, 5) }
    case 23: {
      if (n < 10) return ex(fc, ExceptionCode.IllegalDataValue)
      const readQuantity = u16(pdu, 3)
      const writeQuantity = u16(pdu, 7)
      const bytes = pdu[9]!
      if (readQuantity < 1 || readQuantity > LIMITS.readRegisters || writeQuantity < 1 || writeQuantity > LIMITS.readWriteWriteRegisters ||
        bytes !== writeQuantity * 2 || n !== 10 + bytes) return ex(fc, ExceptionCode.IllegalDataValue)
      const values = new Array<number>(writeQuantity)
      for (let i = 0; i < writeQuantity; i++) values[i] = u16(pdu, 10 + 2 * i)
      return { fc, readAddress: u16(pdu, 1), readQuantity, writeAddress: u16(pdu, 5), values }
    }
    case 43: {
      // Only MEI 0x0E (Read Device Identification); 0x0D (CANopen) is not a Modbus PLC's.
      if (n < 2 || pdu[1] !== MEI_DEVICE_ID) return ex(fc, ExceptionCode.IllegalFunction)
      if (n !== 4) return ex(fc, ExceptionCode.IllegalDataValue)
      const code = pdu[2]!
      if (code < 1 || code > 4) return ex(fc, ExceptionCode.IllegalDataValue)
      return { fc, code, objectId: pdu[3]! }
    }
    default:
      return ex(fc, ExceptionCode.IllegalFunction)
  }
}

export const isRequestException = (r: ModbusRequest | RequestException): r is RequestException => "exception" in r

/** Encode a request PDU (client side). Quantities are the caller's to keep within LIMITS. */
export const encodeRequest = (r: ModbusRequest): Uint8Array => {
  const put16 = (b: Uint8Array, i: number, v: number) => { b[i] = (v >> 8) & 0xff; b[i + 1] = v & 0xff }
  switch (r.fc) {
    case 1: case 2: case 3: case 4: {
      const b = new Uint8Array(5); b[0] = r.fc; put16(b, 1, r.address); put16(b, 3, r.quantity); return b
    }
    case 5: {
      const b = new Uint8Array(5); b[0] = 5; put16(b, 1, r.address); put16(b, 3, r.value ? 0xff00 : 0); return b
    }
    case 6: {
      const b = new Uint8Array(5); b[0] = 6; put16(b, 1, r.address); put16(b, 3, r.value); return b
    }
    case 15: {
      const bytes = Math.ceil(r.values.length / 8)
      const b = new Uint8Array(6 + bytes); b[0] = 15; put16(b, 1, r.address); put16(b, 3, r.values.length); b[5] = bytes
      packBits(r.values, b, 6)
      return b
    }
    case 16: {
      const b = new Uint8Array(6 + 2 * r.values.length); b[0] = 16; put16(b, 1, r.address); put16(b, 3, r.values.length); b[5] = 2 * r.values.length
      r.values.forEach((v, i) => put16(b, 6 + 2 * i, v))
      return b
    }
    case 22: {
      const b = new Uint8Array(7); b[0] = 22; put16(b, 1, r.address); put16(b, 3, r.and); put16(b, 5, r.or); return b
    }
    case 23: {
      const b = new Uint8Array(10 + 2 * r.values.length); b[0] = 23
      put16(b, 1, r.readAddress); put16(b, 3, r.readQuantity); put16(b, 5, r.writeAddress); put16(b, 7, r.values.length); b[9] = 2 * r.values.length
      r.values.forEach((v, i) => put16(b, 10 + 2 * i, v))
      return b
    }
    case 43:
      return Uint8Array.of(43, MEI_DEVICE_ID, r.code, r.objectId)
  }
}

// --- responses -----------------------------------------------------------------------------------

export const exceptionPdu = (fc: number, code: number): Uint8Array => Uint8Array.of((fc | 0x80) & 0xff, code)

/** A read-bits response PDU (function 1 or 2). */
export const bitsResponse = (fc: number, values: ReadonlyArray<boolean>): Uint8Array => {
  const bytes = Math.ceil(values.length / 8)
  const b = new Uint8Array(2 + bytes)
  b[0] = fc
  b[1] = bytes
  packBits(values, b, 2)
  return b
}

/** A read-registers response PDU (function 3, 4 or 23) from big-endian register bytes. */
export const registersResponse = (fc: number, registersBE: Uint8Array): Uint8Array => {
  const b = new Uint8Array(2 + registersBE.length)
  b[0] = fc
  b[1] = registersBE.length
  b.set(registersBE, 2)
  return b
}

/** Device identification objects: id → text. */
export type DeviceObjects = ReadonlyMap<number, string>

/**
 * The Read Device Identification response (stream access, codes 1-3: every object of the
 * category from `objectId` on that fits; individual access, code 4: that one object). An object
 * id the device lacks restarts a stream at 0 and is exception 02 for individual access.
 */
export const deviceIdResponse = (objects: DeviceObjects, code: number, objectId: number): Uint8Array => {
  const ids = [...objects.keys()].sort((a, b) => a - b)
  const conformity = ids.some((i) => i >= 0x80) ? 0x83 : ids.some((i) => i >= 3) ? 0x82 : 0x81
  const category = (id: number) => (id < 3 ? 1 : id < 0x80 ? 2 : 3)
  let chosen: Array<number>
  if (code === 4) {
    if (!objects.has(objectId)) return exceptionPdu(43, ExceptionCode.IllegalDataAddress)
    chosen = [objectId]
  } else {
    const first = objects.has(objectId) && category(objectId) <= code ? objectId : 0
    chosen = ids.filter((i) => i >= first && category(i) <= code)
  }
  const enc = new TextEncoder()
  const parts: Array<Uint8Array> = []
  let size = 7
  let more = 0
  let next = 0
  for (const id of chosen) {
    // At most 244 bytes: with the 7-byte head and its id and length, one object alone fills the
    // 253-byte PDU (a longer one would never fit, and "more follows from it" would loop a client).
    const text = enc.encode(objects.get(id)!).subarray(0, 253 - 7 - 2)
    if (size + 2 + text.length > 253) { more = 0xff; next = id; break }
    size += 2 + text.length
    parts.push(Uint8Array.of(id, text.length), text)
  }
  const b = new Uint8Array(size)
  b.set([43, MEI_DEVICE_ID, code, conformity, more, next, parts.length / 2], 0)
  let at = 7
  for (const p of parts) { b.set(p, at); at += p.length }
  return b.subarray(0, at)
}

/** A decoded response PDU (client side). */
export type ModbusResponse =
  | { readonly _tag: "Bits"; readonly fc: number; readonly values: ReadonlyArray<boolean> }
  | { readonly _tag: "Registers"; readonly fc: number; readonly values: ReadonlyArray<number> }
  | { readonly _tag: "Written"; readonly fc: number; readonly address: number; readonly value: number }
  | { readonly _tag: "DeviceId"; readonly code: number; readonly conformity: number; readonly more: boolean; readonly next: number; readonly objects: ReadonlyMap<number, string> }
  | { readonly _tag: "Exception"; readonly fc: number; readonly code: number }
  | { readonly _tag: "Malformed"; readonly fc: number; readonly reason: string }

/**
 * Decode a response PDU to `request`: bits are cut to the quantity asked, registers checked
 * against it; anything that does not fit is `Malformed` (never a throw).
 */
export const decodeResponse = (request: ModbusRequest, pdu: Uint8Array): ModbusResponse => {
  const malformed = (reason: string): ModbusResponse => ({ _tag: "Malformed", fc: pdu[0] ?? 0, reason })
  if (pdu.length < 2) return malformed("response shorter than 2 bytes")
  const fc = pdu[0]!
  if (fc === (request.fc | 0x80)) return { _tag: "Exception", fc: request.fc, code: pdu[1]! }
  if (fc !== request.fc) return malformed(`function ${fc} in the response to function ${request.fc}`)
  switch (request.fc) {
    case 1: case 2: {
      const bytes = pdu[1]!
      if (bytes !== Math.ceil(request.quantity / 8) || pdu.length !== 2 + bytes) return malformed("byte count does not match the quantity")
      return { _tag: "Bits", fc, values: unpackBits(pdu, 2, request.quantity) }
    }
    case 3: case 4: case 23: {
      const want = request.fc === 23 ? request.readQuantity : request.quantity
      const bytes = pdu[1]!
      if (bytes !== want * 2 || pdu.length !== 2 + bytes) return malformed("byte count does not match the quantity")
      const values = new Array<number>(want)
      for (let i = 0; i < want; i++) values[i] = u16(pdu, 2 + 2 * i)
      return { _tag: "Registers", fc, values }
    }
    case 5: case 6: case 15: case 16:
      if (pdu.length !== 5) return malformed("write response is not 5 bytes")
      if (u16(pdu, 1) !== request.address) return malformed("write response names another address")
      return { _tag: "Written", fc, address: u16(pdu, 1), value: u16(pdu, 3) }
    case 22:
      if (pdu.length !== 7 || u16(pdu, 1) !== request.address) return malformed("mask write response does not echo the request")
      return { _tag: "Written", fc, address: u16(pdu, 1), value: u16(pdu, 3) }
    case 43: {
      if (pdu.length < 7 || pdu[1] !== MEI_DEVICE_ID) return malformed("not a device identification response")
      const objects = new Map<number, string>()
      let at = 7
      const dec = new TextDecoder()
      for (let i = 0; i < pdu[6]!; i++) {
        if (at + 2 > pdu.length) return malformed("device identification objects run past the end")
        const id = pdu[at]!
        const len = pdu[at + 1]!
        if (at + 2 + len > pdu.length) return malformed("device identification objects run past the end")
        objects.set(id, dec.decode(pdu.subarray(at + 2, at + 2 + len)))
        at += 2 + len
      }
      return { _tag: "DeviceId", code: pdu[2]!, conformity: pdu[3]!, more: pdu[4] === 0xff, next: pdu[5]!, objects }
    }
  }
}

// --- framing -------------------------------------------------------------------------------------

/** The result of pushing bytes: whole ADUs, and a framing failure (the stream cannot go on). */
export interface MbapPush {
  readonly frames: ReadonlyArray<Uint8Array>
  readonly error?: string
}

/**
 * Cut a TCP byte stream into ADUs (MBAP + PDU). A length field below 2 or above 254, or a
 * protocol id other than 0, cannot be resynchronised: the push reports an error (the server
 * closes the connection, as Modbus/TCP devices do).
 */
export const makeMbapFramer = () => {
  let buf = new Uint8Array(0)
  let broken: string | undefined
  return {
    buffered: () => buf.length,
    push: (chunk: Uint8Array): MbapPush => {
      if (broken !== undefined) return { frames: [], error: broken }
      let data: Uint8Array
      if (buf.length === 0) data = chunk
      else {
        data = new Uint8Array(buf.length + chunk.length)
        data.set(buf, 0)
        data.set(chunk, buf.length)
      }
      const frames: Array<Uint8Array> = []
      let at = 0
      while (data.length - at >= 6) {
        const protocol = (data[at + 2]! << 8) | data[at + 3]!
        const length = (data[at + 4]! << 8) | data[at + 5]!
        if (protocol !== 0) broken = `MBAP protocol id ${protocol} is not 0 (Modbus)`
        else if (length < 2 || length > MAX_MBAP_LENGTH) broken = `MBAP length ${length} is outside 2..${MAX_MBAP_LENGTH}`
        if (broken !== undefined) {
          buf = new Uint8Array(0)
          return { frames, error: broken }
        }
        if (data.length - at < 6 + length) break
        frames.push(data.subarray(at, at + 6 + length))
        at += 6 + length
      }
      buf = at === data.length ? new Uint8Array(0) : data.slice(at)
      return { frames }
    }
  }
}
