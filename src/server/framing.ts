/** Adapts the codec's framer to the session: on failure, finds the offending frame's header. */
import { Either } from "effect"
import { makeFramer } from "../enip/framer.js"
import { HEADER_SIZE } from "../enip/model.js"
import type { Framer } from "./session.js"

export const sessionFramer = (maxFrameLength: number): Framer => {
  const framer = makeFramer(maxFrameLength)
  return {
    push: (chunk) => {
      const aligned = framer.buffered === 0
      const result = framer.push(chunk)
      if (Either.isRight(result)) return result.right
      // When this chunk began on a frame boundary, walk it to the header that was refused.
      let header: Uint8Array | undefined
      if (aligned) {
        let p = 0
        while (chunk.length - p >= HEADER_SIZE) {
          const total = HEADER_SIZE + (chunk[p + 2]! | (chunk[p + 3]! << 8))
          if (total > maxFrameLength) { header = chunk.subarray(p, p + HEADER_SIZE); break }
          p += total
        }
      }
      return header !== undefined ? { error: result.left.reason, header } : { error: result.left.reason }
    }
  }
}
