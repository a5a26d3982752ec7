/**
 * Cuts a TCP byte stream into whole encapsulation frames, across any chunk boundaries.
 * A frame lying wholly inside one pushed chunk is returned as a subarray of it (no copy); frames
 * spanning chunks are assembled in an internal buffer.
 */
import { Either } from "effect"
import { err } from "../cip/bytes.js"
import type { CodecError } from "../cip/errors.js"
import { HEADER_SIZE } from "./model.js"

export interface Framer {
  /** Feed bytes; returns the frames completed by them (possibly none). After an error the framer stays failed. */
  push(chunk: Uint8Array): Either.Either<ReadonlyArray<Uint8Array>, CodecError>
  /** Bytes held of an incomplete frame. */
  readonly buffered: number
}

const lengthAt = (b: Uint8Array, p: number): number => b[p + 2]! | (b[p + 3]! << 8)

/** A framer refusing frames (header + data) longer than `maxFrameLength` bytes with a "TooLarge" error. */
export const makeFramer = (maxFrameLength: number): Framer => {
  // An incomplete frame: its header bytes so far, then (once the header is whole) the frame buffer.
  const head = new Uint8Array(HEADER_SIZE)
  let headFill = 0
  let frame: Uint8Array | undefined
  let frameFill = 0
  let failed: CodecError | undefined
  const tooLarge = (total: number): Either.Either<ReadonlyArray<Uint8Array>, CodecError> => {
    failed = err("TooLarge", 2, `frame of ${total} bytes exceeds the maximum of ${maxFrameLength}`)
    return Either.left(failed)
  }

  const push = (chunk: Uint8Array): Either.Either<ReadonlyArray<Uint8Array>, CodecError> => {
    if (failed) return Either.left(failed)
    const frames: Array<Uint8Array> = []
    let p = 0
    if (headFill > 0) {
      // Finish the header of the pending frame, then its data.
      if (frame === undefined) {
        const take = Math.min(HEADER_SIZE - headFill, chunk.length)
        head.set(chunk.subarray(0, take), headFill)
        headFill += take
        p = take
        if (headFill < HEADER_SIZE) return Either.right(frames)
        const total = HEADER_SIZE + lengthAt(head, 0)
        if (total > maxFrameLength) return tooLarge(total)
        frame = new Uint8Array(total)
        frame.set(head)
        frameFill = HEADER_SIZE
      }
      const take = Math.min(frame.length - frameFill, chunk.length - p)
      frame.set(chunk.subarray(p, p + take), frameFill)
      frameFill += take
      p += take
      if (frameFill < frame.length) return Either.right(frames)
      frames.push(frame)
      frame = undefined
      headFill = 0
    }
    // Whole frames inside this chunk: zero-copy views.
    while (chunk.length - p >= HEADER_SIZE) {
      const total = HEADER_SIZE + lengthAt(chunk, p)
      if (total > maxFrameLength) return tooLarge(total)
      if (chunk.length - p < total) {
        frame = new Uint8Array(total)
        frame.set(chunk.subarray(p))
        frameFill = chunk.length - p
        head.set(chunk.subarray(p, p + HEADER_SIZE))
        headFill = HEADER_SIZE
        return Either.right(frames)
      }
      frames.push(chunk.subarray(p, p + total))
      p += total
    }
    if (p < chunk.length) {
      head.set(chunk.subarray(p))
      headFill = chunk.length - p
    }
    return Either.right(frames)
  }

  return {
    push,
    get buffered() { return frame !== undefined ? frameFill : headFill }
  }
}
