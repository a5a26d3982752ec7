/**
 * Parsing a stream of records: `Records` runs a machine over input fed in chunks, restarting it
 * after each record, and the `DfaRunner` service exposes that over an Effect `Stream` of chunks
 * (e.g. a TCP socket's), emitting each record's data as it completes.
 *
 * @module
 */
import { Context, Data as EffectData, Either, Layer, Stream } from "effect"
import type { Data } from "./path.js"
import { NonTerminal, Parser } from "./run.js"
import { type Chunk, Source, type SourceKind } from "./source.js"
import type { State } from "./state.js"

/** A record machine stopped without consuming anything: it cannot make progress on this input. */
export class NoProgress extends EffectData.TaggedError("NoProgress")<{
  readonly message: string
  readonly machine: string
}> {}

/** Why a record stream failed. */
export type RecordError = NonTerminal | NoProgress

/**
 * Cuts a chunked input into records: each record is one complete run of the machine over the
 * source; the symbols left over start the next record. Synchronous and allocation-light, for the
 * per-chunk hot path; the `DfaRunner` service wraps it as a Stream.
 */
export class Records {
  readonly source: Source
  private parser: Parser | undefined
  /** Records are parsed one after another, so one machine instance serves them all. */
  private readonly machine: State

  constructor(
    /** Makes the machine (once: a machine runs one parse at a time, and records run in turn). */
    make: () => State,
    kind: SourceKind = "bytes"
  ) {
    this.source = new Source(kind)
    this.machine = make()
  }

  /** Feeds a chunk; returns the records it completed, or the failure that stopped the stream. */
  feed(chunk: Chunk): Either.Either<ReadonlyArray<Data>, RecordError> {
    this.source.feed(chunk)
    return this.drain(false)
  }

  /** Declares the end of input; returns the last records (a partial record is a NonTerminal failure). */
  end(): Either.Either<ReadonlyArray<Data>, RecordError> {
    this.source.end()
    return this.drain(true)
  }

  private drain(ending: boolean): Either.Either<ReadonlyArray<Data>, RecordError> {
    const out: Array<Data> = []
    for (;;) {
      if (this.parser === undefined) {
        // Start a record only once a symbol is there: a clean end between records is no error.
        if (this.source.peek() < 0) return Either.right(out)
        this.parser = new Parser(this.machine, { source: this.source })
      }
      const r = ending ? this.parser.end() : this.parser.resume()
      if (r._tag === "NeedsInput") return Either.right(out)
      this.parser = undefined
      if (Either.isLeft(r)) return Either.left(r.left)
      if (r.right.consumed === 0) {
        return Either.left(new NoProgress({ message: "record machine consumed nothing", machine: this.machine.name }))
      }
      out.push(r.right.data)
    }
  }
}

/** Runs record machines over streams of chunks. */
export class DfaRunner extends Context.Tag("cpppo/dfa/DfaRunner")<
  DfaRunner,
  {
    /**
     * Parses `chunks` into records with machines from `make`; emits each record's data. The stream
     * fails with a {@link NonTerminal} (or {@link NoProgress}) on input the machine rejects,
     * including a partial record at the end.
     */
    readonly records: <E, R>(
      make: () => State,
      chunks: Stream.Stream<Chunk, E, R>,
      kind?: SourceKind
    ) => Stream.Stream<Data, E | RecordError, R>
  }
>() {}

/** The live runner. */
export const DfaRunnerLive: Layer.Layer<DfaRunner> = Layer.succeed(DfaRunner, {
  records: <E, R>(make: () => State, chunks: Stream.Stream<Chunk, E, R>, kind: SourceKind = "bytes") =>
    Stream.suspend(() => {
      const records = new Records(make, kind)
      // Either is an Effect in v3: a failed Either fails the stream.
      const fed = chunks.pipe(Stream.mapConcatEffect((chunk: Chunk) => records.feed(chunk)))
      const tail = Stream.make(0).pipe(Stream.mapConcatEffect(() => records.end()))
      return Stream.concat(fed, tail)
    })
})
