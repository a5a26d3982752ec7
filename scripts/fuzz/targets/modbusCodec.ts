/**
 * Target `modbus-codec`: a Modbus/TCP byte stream through the MBAP framer (in chunks the input
 * chooses), each ADU's PDU through the request decoder, and the PDU as the response to a known
 * request through the response decoder (the poller's side). Contract: never a throw; frames are
 * the stream's bytes, each its MBAP length; a request decodes to a request or to the exception to
 * answer with, and a decoded request encodes back to a PDU that decodes to the same request.
 */
import { decodeRequest, decodeResponse, encodeRequest, makeMbapFramer, MBAP_SIZE, type ModbusRequest } from "../../../src/modbus/codec.js"
import { broken, hex, roundTrip } from "./contract.js"

/** Requests the response decoder is asked about (one of each function code). */
const REQUESTS: ReadonlyArray<ModbusRequest> = [
  { fc: 1, address: 0, quantity: 16 }, { fc: 2, address: 3, quantity: 9 }, { fc: 3, address: 0, quantity: 10 },
  { fc: 4, address: 7, quantity: 2 }, { fc: 5, address: 1, value: true }, { fc: 6, address: 2, value: 0x1234 },
  { fc: 15, address: 0, values: [true, false, true] }, { fc: 16, address: 4, values: [1, 2, 3] },
  { fc: 22, address: 0, and: 0xf0f0, or: 0x0101 }, { fc: 23, readAddress: 0, readQuantity: 3, writeAddress: 5, values: [9] },
  { fc: 43, code: 1, objectId: 0 }
]

/** Input: [chunk-size seed][stream bytes…]. */
export const fuzz = (data: Buffer): void => {
  if (data.length < 1) return
  let seed = data[0]! | 1
  const stream = data.subarray(1)
  const framer = makeMbapFramer()
  let p = 0
  let emitted = 0
  while (p < stream.length) {
    seed = (seed * 1103515245 + 12345) >>> 0
    const n = 1 + ((seed >>> 16) % 61)
    const got = framer.push(stream.subarray(p, p + n))
    p += n
    for (const f of got.frames) {
      if (f.length !== 6 + ((f[4]! << 8) | f[5]!)) broken(`ADU of ${f.length} bytes disagrees with its MBAP length`)
      if (hex(f) !== hex(stream.subarray(emitted, emitted + f.length))) broken(`ADU at ${emitted} is not the stream's bytes`)
      emitted += f.length
      const pdu = f.subarray(MBAP_SIZE)
      const q = decodeRequest(pdu)
      if ("exception" in q) {
        if (![1, 2, 3, 4].includes(q.exception)) broken(`request refused with exception ${q.exception}`)
      } else {
        const again = decodeRequest(encodeRequest(q))
        roundTrip("modbus request", q, again)
      }
      const r = decodeResponse(REQUESTS[f[6]! % REQUESTS.length]!, pdu)
      if (typeof r !== "object" || r === null) broken("decodeResponse returned nothing")
    }
    if (got.error !== undefined) return
  }
}
