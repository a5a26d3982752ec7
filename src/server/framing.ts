/**
 * The session framer: the codec's framer, reporting on a frame that is too long both the frames
 * completed before it in the same chunk (they are still answered) and the refused frame's header
 * (the status 0x65 reply echoes it), wherever that header falls across chunk boundaries.
 */
import { makeFramer } from "../enip/framer.js"
import type { Framer, FramerResult } from "./session.js"

export const sessionFramer = (maxFrameLength: number): Framer => {
  const framer = makeFramer(maxFrameLength)
  return {
    buffered: () => framer.buffered,
    push: (chunk) => {
      const r = framer.pushFrames(chunk)
      if (r.refused === undefined) return r.frames
      const result: FramerResult = r.refused.header !== undefined
        ? { frames: r.frames, error: r.refused.error.message, header: r.refused.header }
        : { frames: r.frames, error: r.refused.error.message }
      return result
    }
  }
}
