/**
 * The session framer: cuts a TCP byte stream into whole encapsulation frames. Unlike a bare
 * framer it reports, on a frame that is too long, both the frames completed before it in the same
 * chunk (they are still answered) and the refused frame's header (its status 0x65 reply echoes it),
 * wherever that header falls across chunk boundaries.
 */
import { HEADER_SIZE } from "../enip/model.js"
import type { Framer, FramerResult } from "./session.js"

const lengthAt = (b: Uint8Array, p: number): number => b[p + 2]! | (b[p + 3]! << 8)

export const sessionFramer = (maxFrameLength: number): Framer => {
  // The incomplete frame: its header bytes so far, then (once the header is whole) its buffer.
  const head = new Uint8Array(HEADER_SIZE)
  let headFill = 0
  let frame: Uint8Array | undefined
  let frameFill = 0
  let failed = false

  const refuse = (frames: Array<Uint8Array>, header: Uint8Array, total: number): FramerResult => {
    failed = true
    return { frames, error: `frame of ${total} bytes exceeds the maximum of ${maxFrameLength}`, header: Uint8Array.from(header) }
  }

  const push = (chunk: Uint8Array): ReadonlyArray<Uint8Array> | FramerResult => {
    if (failed) return { frames: [], error: "session framing already failed" }
    const frames: Array<Uint8Array> = []
    let p = 0
    if (headFill > 0) {
      if (frame === undefined) {
        const take = Math.min(HEADER_SIZE - headFill, chunk.length)
        head.set(chunk.subarray(0, take), headFill)
        headFill += take
        p = take
        if (headFill < HEADER_SIZE) return frames
        const total = HEADER_SIZE + lengthAt(head, 0)
        if (total > maxFrameLength) return refuse(frames, head, total)
        frame = new Uint8Array(total)
        frame.set(head)
        frameFill = HEADER_SIZE
      }
      const take = Math.min(frame.length - frameFill, chunk.length - p)
      frame.set(chunk.subarray(p, p + take), frameFill)
      frameFill += take
      p += take
      if (frameFill < frame.length) return frames
      frames.push(frame)
      frame = undefined
      headFill = 0
    }
    // Whole frames inside this chunk are zero-copy views of it.
    while (chunk.length - p >= HEADER_SIZE) {
      const total = HEADER_SIZE + lengthAt(chunk, p)
      if (total > maxFrameLength) return refuse(frames, chunk.subarray(p, p + HEADER_SIZE), total)
      if (chunk.length - p < total) {
        frame = new Uint8Array(total)
        frame.set(chunk.subarray(p))
        frameFill = chunk.length - p
        headFill = HEADER_SIZE
        return frames
      }
      frames.push(chunk.subarray(p, p + total))
      p += total
    }
    if (p < chunk.length) {
      head.set(chunk.subarray(p))
      headFill = chunk.length - p
    }
    return frames
  }
  return { push }
}
