/**
 * Target `enip-frame`: one whole encapsulation frame through the server's decoder (header, command
 * body, CPF items). Contract: a typed CodecError or a frame; a decoded frame re-encodes to a frame
 * that decodes to the same value (decode(encode(x)) = x).
 */
import { decodeFrame, encodeFrame } from "../../../src/enip/frame.js"
import { codec, roundTrip } from "./contract.js"

export const fuzz = (data: Buffer): void => {
  const frame = codec("decodeFrame", decodeFrame(data))
  if (frame === undefined) return
  const again = codec("decodeFrame(encodeFrame(x))", decodeFrame(encodeFrame(frame)))
  roundTrip("enip frame", frame, again)
}
