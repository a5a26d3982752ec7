import { Data } from "effect"

/**
 * A failure to decode (or encode) bytes of the EtherNet/IP / CIP wire format. Decoders never throw
 * out of their public functions: they return `Either<A, CodecError>`.
 */
export class CodecError extends Data.TaggedError("CodecError")<{
  readonly reason:
    | "Truncated" // fewer bytes than the structure needs
    | "BadLength" // a length/count/size field that does not fit the bytes present
    | "BadSegment" // an EPATH segment type we do not know, or a malformed one
    | "BadOffset" // Multiple Service Packet offset table out of bounds / overlapping / unordered
    | "BadValue" // a field with an impossible value (e.g. BOOL mask width, bad type code)
    | "TooLarge" // a frame longer than the configured maximum
    | "Unsupported" // something well-formed that we cannot represent
  /** Where (byte offset in the buffer given to the decoder) the problem was found. */
  readonly offset: number
  readonly message: string
}> {}
