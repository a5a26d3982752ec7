/**
 * Cuts a TCP byte stream into whole encapsulation frames, across any chunk boundaries.
 * A frame lying wholly inside one pushed chunk is returned as a subarray of it (no copy); frames
 * spanning chunks are assembled in an internal buffer.
 */
import { Either } from "effect"
import { err } from "../cip/bytes.js"
import type { CodecError } from "../cip/errors.js"
import { HEADER_SIZE } from "./model.js"

/** What one chunk completed; on a frame too long, also the frames before it and its header. */
export interface FramerPush {
  readonly frames: ReadonlyArray<Uint8Array>
  readonly refused?: { readonly error: CodecError; readonly header?: Uint8Array }
}

export interface Framer {
  /** Feed bytes; returns the frames completed by them (possibly none). After an error the framer stays failed. */
  push(chunk: Uint8Array): Either.Either<ReadonlyArray<Uint8Array>, CodecError>
  /**
   * Like `push`, but a refused (too long) frame still reports the frames completed before it in
   * the same chunk and the refused frame's 24-byte header (a copy): a server answers the former
   * and echoes the latter in its status 0x65 reply.
   */
  pushFrames(chunk: Uint8Array): FramerPush
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
  const tooLarge = (frames: ReadonlyArray<Uint8Array>, header: Uint8Array, total: number): FramerPush => {
    failed = err("TooLarge", 2, `frame of ${total} bytes exceeds the maximum of ${maxFrameLength}`)
    return { frames, refused: { error: failed, header: Uint8Array.from(header) } }
  }

  const pushFrames = (chunk: Uint8Array): FramerPush => {
    if (failed) return { frames: [], refused: { error: failed } }
    const frames: Array<Uint8Array> = []
    let p = 0
    if (headFill > 0) {
      // Finish the header of the pending frame, then its data.
      if (frame === undefined) {
        const take = Math.min(HEADER_SIZE - headFill, chunk.length)
        head.set(chunk.subarray(0, take), headFill)
        headFill += take
        p = take
        if (headFill < HEADER_SIZE) return { frames }
        const total = HEADER_SIZE + lengthAt(head, 0)
        if (total > maxFrameLength) return tooLarge(frames, head, total)
        frame = new Uint8Array(total)
        frame.set(head)
        frameFill = HEADER_SIZE
      }
      const take = Math.min(frame.length - frameFill, chunk.length - p)
      frame.set(chunk.subarray(p, p + take), frameFill)
      frameFill += take
      p += take
      if (frameFill < frame.length) return { frames }
      frames.push(frame)
      frame = undefined
      headFill = 0
    }
    // Whole frames inside this chunk: zero-copy views.
    while (chunk.length - p >= HEADER_SIZE) {
      const total = HEADER_SIZE + lengthAt(chunk, p)
      if (total > maxFrameLength) return tooLarge(frames, chunk.subarray(p, p + HEADER_SIZE), total)
      if (chunk.length - p < total) {
        frame = new Uint8Array(total)
        frame.set(chunk.subarray(p))
        frameFill = chunk.length - p
        head.set(chunk.subarray(p, p + HEADER_SIZE))
        headFill = HEADER_SIZE
        return { frames }
      }
      frames.push(chunk.subarray(p, p + total))
      p += total
    }
    if (p < chunk.length) {
      head.set(chunk.subarray(p))
      headFill = chunk.length - p
    }
    return { frames }
  }

  const push = (chunk: Uint8Array): Either.Either<ReadonlyArray<Uint8Array>, CodecError> => {
    const r = pushFrames(chunk)
    return r.refused === undefined ? Either.right(r.frames) : Either.left(r.refused.error)
  }

  return {
    push,
    pushFrames,
    get buffered() { return frame !== undefined ? frameFill : headFill }
  }
}
