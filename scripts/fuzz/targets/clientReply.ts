/**
 * Target `client-reply`: a reply frame from a (possibly hostile) device through the client's
 * path: framing peek (command, status, sender context, CIP data), then the CIP reply decoder for
 * the request that context names. Contract: never a throw; failures are CodecErrors; a decoded
 * reply encodes back to bytes decoding to the same reply (decode(encode(x)) = x), and so do the
 * values of a successful read, decoded by their wire type as the client hands them to the user.
 */
import type { CipRequest } from "../../../src/cip/model.js"
import { decodeReply, encodeReply } from "../../../src/cip/reply.js"
import { decodeValues, encodeValues, typeNameOf } from "../../../src/cip/types.js"
import { decodeTyped, encodeTyped } from "../../../src/cip/values.js"
import { peekFrame } from "../../../src/client/wire.js"
import { decodeFrame } from "../../../src/enip/frame.js"
import { Command } from "../../../src/enip/model.js"
import { seedRequests } from "../seeds.js"
import { broken, codec, roundTrip } from "./contract.js"

const plain = seedRequests()
/** How the client wraps a routed request (Unconnected Send through the Connection Manager). */
const routed = plain.map((request): CipRequest => ({
  _tag: "UnconnectedSend", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], priorityTimeTick: 7, timeoutTicks: 0xe8,
  request, routePath: [{ _tag: "Port", port: 1, link: 0 }]
}))

/** Input: a whole reply frame; its sender context's first byte picks the request it answers. */
export const fuzz = (data: Buffer): void => {
  codec("decodeFrame", decodeFrame(data))
  const peek = peekFrame(data)
  if (peek === undefined) return
  if (peek.data !== undefined && (peek.data.byteOffset < data.byteOffset || peek.data.byteOffset + peek.data.length > data.byteOffset + data.length)) {
    broken("peekFrame's data lies outside the frame")
  }
  if (peek.status !== 0 || (peek.command !== Command.SendRRData && peek.command !== Command.SendUnitData)) return
  if (peek.data === undefined || peek.data.length < 4) return
  const pick = peek.key & 0xff
  const isRouted = (pick & 0x80) !== 0
  const i = (pick & 0x7f) % plain.length
  // As the client does: a routed request is answered by the embedded reply, unless 0xD2 (routing failed).
  const target = isRouted && peek.data[0] === 0xd2 ? routed[i]! : plain[i]!
  const reply = codec("decodeReply", decodeReply(peek.data, target))
  if (reply === undefined) return
  const again = codec("decodeReply(encodeReply(x))", decodeReply(encodeReply(reply), target))
  roundTrip("cip reply", reply, again)
  // The values a read hands to the user, decoded by their wire type as the client does.
  if ((reply._tag === "ReadTag" || reply._tag === "ReadTagFragmented") && reply.status === 0) {
    const name = typeNameOf(reply.type)
    if (name !== undefined) {
      const values = codec("decodeValues", decodeValues(name, reply.data))
      if (values !== undefined) roundTrip(`${name} values`, values, codec("decodeValues(encodeValues(x))", decodeValues(name, encodeValues(name, values))))
    }
    const typed = decodeTyped(reply.type, reply.data)
    const values = typed === undefined ? undefined : codec("decodeTyped", typed)
    if (values !== undefined) {
      const bytes = encodeTyped(reply.type, values)
      if (bytes !== undefined) roundTrip("typed values", values, codec("decodeTyped(encodeTyped(x))", decodeTyped(reply.type, bytes)!))
    }
  }
}
