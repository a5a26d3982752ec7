/**
 * The Effect API of the client: `Client.connect(options)` (scoped) gives a service with `read`,
 * `write`, `readMany`, `process` (a Stream of results) and `processAll` (cpppo's
 * `(failures, transactions)`), also available as a Layer (`Client.layer(options)`).
 */
import { Context, Data, Effect, Either, Exit, Layer, Mailbox, Stream, type Scope } from "effect"
import { describeStatus } from "../cip/status.js"
import type { CipValue, TypeName } from "../cip/types.js"
import type { ClientError } from "./errors.js"
import { parseOperation, parseOperations, type Operation, type OperationParseError } from "./operations.js"
import { runOperations, type ProcessorStats } from "./processor.js"
import type { OperationResult, ProcessSummary } from "./results.js"
import { openSession, type Session, type SessionOptions } from "./session.js"
import { makeStructureTypes, type StructureTypes } from "./templates.js"

/** An operation answered with a non-zero CIP status (or no reply); from `read`/`write`. */
export class OperationFailed extends Data.TaggedError("OperationFailed")<{ readonly result: OperationResult }> {
  override get message(): string {
    const r = this.result
    return r.error !== undefined ? r.error.message : describeStatus(r.status, r.extStatus)
  }
}

/** How `process` runs operations. */
export interface ProcessOptions {
  /** Requests in flight at once (default 1). */
  readonly depth?: number
  /** Pack into Multiple Service Packets: `true` for the connection's size, or a byte limit. */
  readonly multiple?: boolean | number
  /** Always use the Fragmented tag services. */
  readonly fragment?: boolean
}

export interface ClientService {
  /** The underlying session (raw CIP requests, encapsulation commands). */
  readonly session: Session
  /** The controller's structure types (templates), loaded when first needed. */
  readonly structures: StructureTypes
  /**
   * Read a tag (`"SCADA[0-9]"`, `"M[3]"`, `"M[3].Speed"`, `"DINT1.5"`, `"@1/1/7"`): its values —
   * structures as objects of members (the controller's templates are read the first time) — or
   * raw bytes for attributes.
   */
  readonly read: (tag: string) => Effect.Effect<ReadonlyArray<CipValue> | Uint8Array, OperationFailed | OperationParseError>
  /** Write values to a tag; without `type`, the tag's own type (read first), else INT/REAL. */
  readonly write: (
    tag: string,
    values: ReadonlyArray<CipValue>,
    type?: TypeName
  ) => Effect.Effect<void, OperationFailed | OperationParseError>
  /** Read many tags, packed into Multiple Service Packets and pipelined. */
  readonly readMany: (
    tags: ReadonlyArray<string>,
    options?: ProcessOptions
  ) => Effect.Effect<ReadonlyArray<OperationResult>, OperationParseError>
  /** Run operations; results arrive in order. Failures are results, not stream errors. */
  readonly process: (operations: ReadonlyArray<Operation>, options?: ProcessOptions) => Stream.Stream<OperationResult>
  /** Run operations to completion: cpppo's `(failures, transactions)`, plus request counts. */
  readonly processAll: (
    operations: ReadonlyArray<Operation>,
    options?: ProcessOptions
  ) => Effect.Effect<ProcessSummary & { readonly requests: number }>
}

export class Client extends Context.Tag("cpppo/client/Client")<Client, ClientService>() {
  /** Connect (scoped): TCP, RegisterSession (and Forward Open with `connected`). */
  static readonly connect = (options: SessionOptions): Effect.Effect<ClientService, ClientError, Scope.Scope> =>
    Effect.map(openSession(options), makeClientService)
  /** The client as a Layer, for composing into an Effect application. */
  static readonly layer = (options: SessionOptions): Layer.Layer<Client, ClientError> =>
    Layer.scoped(Client, Client.connect(options))
}

const processorOptions = (session: Session, options: ProcessOptions = {}) => ({
  depth: options.depth ?? 1,
  multiple: options.multiple === true ? session.maxRequest : typeof options.multiple === "number" ? Math.min(options.multiple, session.maxRequest) : 0,
  fragment: options.fragment ?? false,
  maxRequest: session.maxRequest
})

/** Build the service over an open session. */
export const makeClientService = (session: Session): ClientService => {
  const structures = makeStructureTypes(session)
  const runAll = (operations: ReadonlyArray<Operation>, options?: ProcessOptions) =>
    Effect.async<{ results: Array<OperationResult>; stats: ProcessorStats }>((resume) => {
      const results: Array<OperationResult> = []
      const stop = runOperations(operations, session.send, processorOptions(session, options), (r) => { results.push(r) }, (stats) =>
        resume(Effect.succeed({ results, stats })))
      return Effect.sync(stop)
    })

  const one = (op: Operation) =>
    Effect.flatMap(runAll([op]), ({ results }) => {
      const r = results[0]!
      return r.ok ? Effect.succeed(r) : Effect.fail(new OperationFailed({ result: r }))
    })

  return {
    session,
    structures,
    read: (tag) =>
      Effect.flatMap(parseOperation(tag), (op) =>
        Effect.map(Effect.flatMap(one(op), structures.decode), (r) => r.values ?? r.raw ?? new Uint8Array(0))),
    write: (tag, values, type) =>
      Effect.gen(function* () {
        const read = yield* parseOperation(tag)
        // Without a type, learn it from the tag (one extra read of its first element), as a
        // controller rejects a write whose type differs from the tag's.
        // A bit is a BOOL (its job reads the element itself).
        let chosen: TypeName | undefined = type ?? (read.bit !== undefined ? "BOOL" : undefined)
        if (chosen === undefined && !(read.target._tag === "Numeric" && read.element === undefined)) {
          const { elements: _ignored, offset: _offset, ...probe } = read
          chosen = (yield* one({ ...probe, method: "read" })).type
        }
        chosen ??= values.some((v) => typeof v === "number" && !Number.isInteger(v)) ? "REAL" : "INT"
        const op: Operation = { ...read, method: "write", type: chosen, values, elements: read.elements ?? values.length }
        yield* one(op)
      }),
    readMany: (tags, options) =>
      Effect.flatMap(parseOperations(tags), (ops) =>
        Effect.map(runAll(ops, { multiple: true, depth: 4, ...options }), ({ results }) => results)),
    process: (operations, options) =>
      Stream.unwrapScoped(
        Effect.gen(function* () {
          const mailbox = yield* Mailbox.make<OperationResult>()
          const stop = runOperations(operations, session.send, processorOptions(session, options), (r) => { mailbox.unsafeOffer(r) }, () => {
            mailbox.unsafeDone(Exit.void)
          })
          yield* Effect.addFinalizer(() => Effect.sync(stop))
          return Mailbox.toStream(mailbox)
        })
      ),
    processAll: (operations, options) =>
      Effect.map(runAll(operations, options), ({ results, stats }) => ({
        failures: stats.failures,
        transactions: results,
        requests: stats.requests
      }))
  }
}

/** Parse operations as an Effect (fails with `OperationParseError`). */
export const parseOperationsEffect = (inputs: Iterable<string>): Effect.Effect<ReadonlyArray<Operation>, OperationParseError> =>
  Either.match(parseOperations(inputs), { onLeft: Effect.fail, onRight: Effect.succeed })
