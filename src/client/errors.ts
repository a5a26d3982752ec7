import { Data } from "effect"

/**
 * A client failure that is not a CIP status: the request got no usable reply.
 * - `Connect`: TCP connect failed or timed out
 * - `Timeout`: no reply within the per-request timeout
 * - `Closed`: the connection ended (EOF, reset, or the client closed) with the request pending
 * - `Protocol`: a reply we could not decode, or one that does not answer the request
 * - `Encapsulation`: the EtherNet/IP header carried a non-zero status
 * - `Session`: RegisterSession / Forward Open refused
 */
export class ClientError extends Data.TaggedError("ClientError")<{
  readonly reason: "Connect" | "Timeout" | "Closed" | "Protocol" | "Encapsulation" | "Session"
  readonly message: string
}> {}
