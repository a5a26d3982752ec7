/**
 * Answering one Modbus/TCP ADU against a device's registers: synchronous whenever the registers'
 * Attributes are (the in-memory default), an Effect only when a custom Attribute is asynchronous.
 * Never throws; every failure is the exception a PLC answers with:
 *
 * - 01 unknown function code (or MEI type);
 * - 02 an address (or address + quantity) outside the defined registers;
 * - 03 a quantity of 0 or past the limit, a byte count or length that does not match, a coil
 *   value other than 0xFF00/0x0000;
 * - a forced error on the registers (`tags/40001/error=6`): that exception code (1..11; 06 is
 *   "server device busy"), any other status 04;
 * - 0x0B (gateway target device failed to respond) for a unit id the device does not serve.
 */
import { Effect } from "effect"
import type { Outcome, Tag, TagStoreService } from "../tags/tagStore.js"
import { TagError } from "../tags/tagStore.js"
import {
  bitsResponse, decodeRequest, deviceIdResponse, type DeviceObjects, encodeAdu, ExceptionCode, exceptionPdu, isRequestException,
  MBAP_SIZE, type ModbusRequest, registersResponse
} from "./codec.js"
import type { Table } from "./addresses.js"
import type { RegisterMap } from "./registers.js"

type Pdu = Uint8Array | Effect.Effect<Uint8Array>

/** What the handler needs from its device. */
export interface HandlerContext {
  readonly tags: TagStoreService
  readonly registers: RegisterMap
  /** Unit ids served; undefined serves every unit id. */
  readonly units: ReadonlySet<number> | undefined
  readonly identity: DeviceObjects
}

const READ_TABLE: Record<1 | 2 | 3 | 4, Table> = { 1: "coils", 2: "discrete", 3: "holding", 4: "input" }

/** The exception a failed register access answers with. */
export const exceptionFor = (e: TagError): number =>
  e.reason === "Forced" && e.status >= 1 && e.status <= 0x0b ? e.status : ExceptionCode.ServerDeviceFailure

/** CIP UINT bytes (little-endian) → Modbus register bytes (big-endian), in place on a copy. */
const swap16 = (le: Uint8Array): Uint8Array => {
  const out = new Uint8Array(le.length)
  for (let i = 0; i + 1 < le.length; i += 2) { out[i] = le[i + 1]!; out[i + 1] = le[i]! }
  return out
}

const registersLE = (values: ReadonlyArray<number>): Uint8Array => {
  const b = new Uint8Array(values.length * 2)
  for (let i = 0; i < values.length; i++) { b[2 * i] = values[i]! & 0xff; b[2 * i + 1] = (values[i]! >> 8) & 0xff }
  return b
}
const boolBytes = (values: ReadonlyArray<boolean>): Uint8Array => Uint8Array.from(values, (v) => (v ? 0xff : 0))

/** Continue after a store access: a failure becomes the exception PDU. */
const then = <A>(fc: number, o: Outcome<A>, f: (a: A) => Pdu): Pdu => {
  if (o instanceof TagError) return exceptionPdu(fc, exceptionFor(o))
  if (Effect.isEffect(o)) {
    return (o as Effect.Effect<A, TagError>).pipe(
      Effect.flatMap((a) => { const r = f(a); return r instanceof Uint8Array ? Effect.succeed(r) : r }),
      Effect.catchAll((e) => Effect.succeed(exceptionPdu(fc, exceptionFor(e))))
    )
  }
  return f(o as A)
}

const echo = (pdu: Uint8Array, length: number) => () => pdu.slice(0, length)

/** Execute one decoded request. */
export const execute = (ctx: HandlerContext, r: ModbusRequest, pdu: Uint8Array): Pdu => {
  const { tags, registers } = ctx
  const run = (table: Table, offset: number, count: number) => registers.find(table, offset, count)
  const noAddress = () => exceptionPdu(r.fc, ExceptionCode.IllegalDataAddress)
  const write = (tag: Tag, start: number, count: number, bytes: Uint8Array, done: () => Pdu): Pdu =>
    then(r.fc, tags.writeBytes(tag, start, count, bytes), done)
  switch (r.fc) {
    case 1: case 2: case 3: case 4: {
      const table = READ_TABLE[r.fc]
      const at = run(table, r.address, r.quantity)
      if (at === undefined) return noAddress()
      return then(r.fc, tags.readBytes(at.tag, r.address - at.offset, r.quantity), (bytes) =>
        r.fc <= 2 ? bitsResponse(r.fc, Array.from(bytes, (b) => b !== 0)) : registersResponse(r.fc, swap16(bytes)))
    }
    case 5: {
      const at = run("coils", r.address, 1)
      if (at === undefined) return noAddress()
      return write(at.tag, r.address - at.offset, 1, boolBytes([r.value]), echo(pdu, 5))
    }
    case 6: {
      const at = run("holding", r.address, 1)
      if (at === undefined) return noAddress()
      return write(at.tag, r.address - at.offset, 1, registersLE([r.value]), echo(pdu, 5))
    }
    case 15: {
      const at = run("coils", r.address, r.values.length)
      if (at === undefined) return noAddress()
      return write(at.tag, r.address - at.offset, r.values.length, boolBytes(r.values), echo(pdu, 5))
    }
    case 16: {
      const at = run("holding", r.address, r.values.length)
      if (at === undefined) return noAddress()
      return write(at.tag, r.address - at.offset, r.values.length, registersLE(r.values), echo(pdu, 5))
    }
    case 22: {
      const at = run("holding", r.address, 1)
      if (at === undefined) return noAddress()
      const update = tags.updateBytes(at.tag, r.address - at.offset, 1, (old) => {
        const cur = old[0]! | (old[1]! << 8)
        return registersLE([((cur & r.and) | (r.or & ~r.and)) & 0xffff])
      })
      return then(r.fc, update, echo(pdu, 7))
    }
    case 23: {
      // Both ranges are checked before anything is written; the write happens before the read.
      const w = run("holding", r.writeAddress, r.values.length)
      const rd = run("holding", r.readAddress, r.readQuantity)
      if (w === undefined || rd === undefined) return noAddress()
      return write(w.tag, r.writeAddress - w.offset, r.values.length, registersLE(r.values), () =>
        then(r.fc, tags.readBytes(rd.tag, r.readAddress - rd.offset, r.readQuantity), (bytes) => registersResponse(23, swap16(bytes))))
    }
    case 43:
      return deviceIdResponse(ctx.identity, r.code, r.objectId)
  }
}

/** A session's frame handler: one whole ADU in, the reply ADU out (or an Effect of it). */
export const answerAdu = (ctx: HandlerContext, frame: Uint8Array): Uint8Array | Effect.Effect<Uint8Array> => {
  const transaction = (frame[0]! << 8) | frame[1]!
  const unit = frame[6]!
  const pdu = frame.subarray(MBAP_SIZE)
  const reply = (p: Pdu) => (p instanceof Uint8Array ? encodeAdu(transaction, unit, p) : Effect.map(p, (x) => encodeAdu(transaction, unit, x)))
  if (ctx.units !== undefined && !ctx.units.has(unit)) return reply(exceptionPdu(pdu[0] ?? 0, ExceptionCode.GatewayTargetFailed))
  const request = decodeRequest(pdu)
  if (isRequestException(request)) return reply(exceptionPdu(request.fc, request.exception))
  return reply(execute(ctx, request, pdu))
}
