/**
 * Target `cip-request`: a CIP request (Message Router layer, as found in a SendRRData or
 * SendUnitData item) through the server's request decoder. Contract: a typed CodecError or a
 * request that encodes back to bytes decoding to the same request (decode(encode(x)) = x), and
 * whose path prints.
 */
import type { CipRequest } from "../../../src/cip/model.js"
import { formatEPath } from "../../../src/cip/epath.js"
import { decodeRequest, encodeRequest, requestService } from "../../../src/cip/request.js"
import { broken, codec, roundTrip } from "./contract.js"

const paths = (q: CipRequest): void => {
  formatEPath(q.path)
  if (q._tag === "MultipleServicePacket") q.requests.forEach(paths)
  if (q._tag === "UnconnectedSend") paths(q.request)
}

export const fuzz = (data: Buffer): void => {
  const q = codec("decodeRequest", decodeRequest(data))
  if (q === undefined) return
  if (requestService(q) !== data[0]) broken(`service 0x${data[0]!.toString(16)} decoded as 0x${requestService(q).toString(16)}`)
  paths(q)
  const again = codec("decodeRequest(encodeRequest(x))", decodeRequest(encodeRequest(q)))
  roundTrip("cip request", q, again)
}
