/**
 * Target `enip-framer`: a TCP byte stream cut into frames by the server's stream framer, in
 * chunks whose sizes the input chooses. Contract: never a throw; the frames returned are the
 * stream's bytes in order, each exactly its header's length; a refused (too long) frame stops the
 * framer for good; `push` and `pushFrames` agree.
 */
import { Either } from "effect"
import { makeFramer } from "../../../src/enip/framer.js"
import { HEADER_SIZE } from "../../../src/enip/model.js"
import { broken, codec, hex } from "./contract.js"

/** Input: [max-length selector][chunk-size seed][stream bytes…]. */
export const fuzz = (data: Buffer): void => {
  if (data.length < 2) return
  const max = [HEADER_SIZE, 64, 600, 4096, 65535 + HEADER_SIZE][data[0]! % 5]!
  let seed = data[1]! | 1
  const stream = data.subarray(2)
  const a = makeFramer(max)
  const b = makeFramer(max)
  let p = 0
  let emitted = 0
  let refused = false
  while (p < stream.length) {
    seed = (seed * 1103515245 + 12345) >>> 0
    const n = 1 + ((seed >>> 16) % 97)
    const chunk = stream.subarray(p, p + n)
    p += n
    const viaPush = a.push(chunk)
    const viaFrames = b.pushFrames(chunk)
    const frames = codec("push", viaPush) ?? []
    if (refused) {
      if (Either.isRight(viaPush) || viaFrames.refused === undefined) broken("a refused framer accepted more bytes")
      continue
    }
    if (Either.isLeft(viaPush) !== (viaFrames.refused !== undefined)) broken("push and pushFrames disagree on refusing")
    if (Either.isLeft(viaPush)) {
      if (viaPush.left.reason !== "TooLarge") broken(`framer failed with ${viaPush.left.reason}`)
      refused = true
    }
    for (const f of Either.isRight(viaPush) ? frames : viaFrames.frames) {
      if (f.length < HEADER_SIZE || f.length !== HEADER_SIZE + (f[2]! | (f[3]! << 8))) broken(`frame of ${f.length} bytes disagrees with its header ${hex(f.subarray(0, 4))}`)
      if (f.length > max) broken(`frame of ${f.length} bytes passed a maximum of ${max}`)
      if (hex(f) !== hex(stream.subarray(emitted, emitted + f.length))) broken(`frame at ${emitted} is not the stream's bytes`)
      emitted += f.length
    }
    if (!refused && emitted + a.buffered !== Math.min(p, stream.length)) broken(`bytes lost: ${emitted} framed + ${a.buffered} buffered ≠ ${Math.min(p, stream.length)} pushed`)
  }
}
