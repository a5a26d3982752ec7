/**
 * The Wall Clock Time object (class 0x8B, instance 1): the controller's clock, as pylogix
 * (`GetPLCTime`/`SetPLCTime`) and pycomm3 (`get_plc_time`/`set_plc_time`) use it.
 *
 * - Attributes 6 and 11 (0x0B) are the time in microseconds since 1970-01-01 (ULINT). The
 *   clients set 6 and read 11; libplctag users read and set 11. The simulated controller has no
 *   time zone, so both are the same clock. Setting either makes the clock run from that value.
 * - Attribute 10 (0x0A) is the DST flag (USINT) pylogix sends with the time: kept and reported,
 *   not applied (there is no local time to shift).
 * - Services: Get Attribute List (0x03) and Set Attribute List (0x04). A ControlLogix answers
 *   Get Attribute Single on this object with "service not supported", and so does this one.
 */
import { Writer } from "../cip/bytes.js"
import type { CipReply, CipRequest, GetAttributeListRequest } from "../cip/model.js"
import { Service } from "../cip/model.js"
import { requestService } from "../cip/request.js"
import { Status } from "../cip/status.js"
import { logicalPath } from "./paths.js"
import { errorReply } from "./reply.js"

export const WALL_CLOCK_CLASS = 0x8b

const TIME = 6
const UTC_TIME = 11
const DST = 10

export interface WallClock {
  /** The clock's time now, µs since the epoch. */
  readonly micros: () => bigint
  /** Answer a request addressed to class 0x8B (any service). */
  readonly handle: (req: CipRequest) => CipReply
}

/** A clock that starts at the host's time (`now`, epoch ms) and runs from whatever it is set to. */
export const makeWallClock = (now: () => number): WallClock => {
  let offset = 0n // µs added to the host's time
  let dst = 0
  const micros = () => BigInt(Math.round(now() * 1000)) + offset

  /** Attribute bytes, or the CIP status saying why there are none. */
  const get = (att: number): Uint8Array | number => {
    switch (att) {
      case TIME: case UTC_TIME: {
        const b = new Uint8Array(8)
        new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, micros()), true)
        return b
      }
      case DST: return Uint8Array.of(dst)
      default: return Status.AttributeNotSupported
    }
  }
  const sizeOf = (att: number): number | undefined => (att === TIME || att === UTC_TIME ? 8 : att === DST ? 1 : undefined)

  const getList = (req: GetAttributeListRequest): CipReply => {
    const attributes = req.attributes.map((id) => {
      const v = get(id)
      return typeof v === "number" ? { id, status: v } : { id, status: 0, data: v }
    })
    return { _tag: "GetAttributeList", service: 0x83, status: attributes.some((a) => a.status !== 0) ? Status.AttributeListError : 0, extStatus: [], attributes }
  }

  /**
   * Set Attribute List: every value is checked before any is set, so a request with an unknown
   * attribute (whose size cannot be known) or the wrong amount of data changes nothing.
   */
  const setList = (service: number, data: Uint8Array): CipReply => {
    if (data.length < 2) return errorReply(service, Status.NotEnoughData)
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength)
    const n = dv.getUint16(0, true)
    const values: Array<{ att: number; at: number }> = []
    let p = 2
    for (let i = 0; i < n; i++) {
      if (p + 2 > data.length) return errorReply(service, Status.NotEnoughData)
      const att = dv.getUint16(p, true)
      const size = sizeOf(att)
      if (size === undefined) return errorReply(service, Status.AttributeNotSupported)
      if (p + 2 + size > data.length) return errorReply(service, Status.NotEnoughData)
      values.push({ att, at: p + 2 })
      p += 2 + size
    }
    if (p !== data.length) return errorReply(service, Status.TooMuchData)
    const w = new Writer(2 + 4 * n)
    w.u16(n)
    for (const { att, at } of values) {
      if (att === DST) dst = data[at]!
      else offset = dv.getBigUint64(at, true) - BigInt(Math.round(now() * 1000))
      w.u16(att).u16(0)
    }
    return { _tag: "Generic", service: 0x84, status: 0, extStatus: [], data: w.finish().slice() }
  }

  const handle = (req: CipRequest): CipReply => {
    const service = req._tag === "Generic" ? req.service : requestService(req)
    const data = req._tag === "Generic" && req.service === Service.SetAttributeList ? req.data : undefined
    if (req._tag !== "GetAttributeList" && data === undefined) return errorReply(service, Status.ServiceNotSupported)
    const p = logicalPath(req.path)
    if (p === undefined || p.att !== undefined) return errorReply(service, Status.PathSegmentError)
    if (p.ins !== 1) return errorReply(service, Status.ObjectDoesNotExist)
    return req._tag === "GetAttributeList" ? getList(req) : setList(service, data!)
  }

  return { micros, handle }
}
