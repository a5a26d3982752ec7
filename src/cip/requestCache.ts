/**
 * Decoded requests kept beside their bytes. Clients in lock-step send the same few requests again
 * and again (libplctag repeats one 16-read Multiple Service Packet every round; an HMI polls the
 * same tags), and decoding one builds its path, its embedded requests and their paths anew each
 * time: for a 16-read packet about a third of the server's work per packet. A repeated request is
 * the request decoded before.
 *
 * Only requests that hold no view of their bytes are kept (reads and attribute reads, packets and
 * Unconnected Sends of those): a Write Tag's data, a Data path segment or a Generic request's data
 * is a view of the frame, which is not ours to keep. Requests are read-only, so sharing one
 * between requests is safe. A slot is chosen by the length and a sample of the bytes and holds one
 * request; the bytes are compared whole before a kept request is used.
 */
import { Either } from "effect"
import type { CodecError } from "./errors.js"
import type { CipRequest, EPath } from "./model.js"
import { decodeRequest } from "./request.js"

const SLOTS = 64
/** Longer requests are decoded each time (comparing costs more than decoding saves). */
const MAX_KEPT = 1024
const keptBytes: Array<Uint8Array | undefined> = new Array(SLOTS)
const keptRequest: Array<Either.Either<CipRequest, CodecError>> = new Array(SLOTS)

const pathHoldsView = (path: EPath): boolean => path.some((segment) => segment._tag === "Data")

/** True when nothing in the request is a view of the bytes it was decoded from. */
const viewFree = (req: CipRequest): boolean => {
  if (pathHoldsView(req.path)) return false
  switch (req._tag) {
    case "ReadTag": case "ReadTagFragmented": case "ReadTemplate":
    case "GetAttributesAll": case "GetAttributeSingle": case "GetAttributeList": case "GetInstanceAttributeList":
      return true
    case "MultipleServicePacket":
      return req.requests.every(viewFree)
    case "UnconnectedSend":
      return !pathHoldsView(req.routePath) && viewFree(req.request)
    default:
      return false
  }
}

const slotOf = (b: Uint8Array): number => {
  const n = b.length
  const step = n > 32 ? n >> 5 : 1
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193)
  for (let i = 0; i < n; i += step) h = Math.imul(h ^ b[i]!, 0x01000193)
  h = Math.imul(h ^ b[n - 1]!, 0x01000193)
  return (h ^ (h >>> 16)) & (SLOTS - 1)
}

/** `decodeRequest`, answering a request seen before with the request decoded then. */
export const decodeRequestKept = (bytes: Uint8Array): Either.Either<CipRequest, CodecError> => {
  const n = bytes.length
  if (n < 2 || n > MAX_KEPT) return decodeRequest(bytes)
  const slot = slotOf(bytes)
  const kept = keptBytes[slot]
  if (kept !== undefined && kept.length === n) {
    let same = true
    for (let i = 0; i < n; i++) if (kept[i] !== bytes[i]) { same = false; break }
    if (same) return keptRequest[slot]!
  }
  const decoded = decodeRequest(bytes)
  if (Either.isRight(decoded) && viewFree(decoded.right)) {
    keptBytes[slot] = bytes.slice()
    keptRequest[slot] = decoded
  }
  return decoded
}
