/**
 * The DFA library: cpppo's state machines, regex-built machines, binary field machines and
 * incremental parsing.
 *
 * @module
 */
export { EOF, NEED, Source, type Chunk, type SourceKind } from "./source.js"
export { getPath, joinPath, resolvePath, setPath, type Data } from "./path.js"
export {
  Decide,
  State,
  StateDrop,
  StateInput,
  type Consumes,
  type DecideArgs,
  type Limit,
  type StateOptions,
  type Step,
  type Target
} from "./state.js"
export { Dfa, type DfaOptions } from "./machine.js"
export { run, trace, Parser, NonTerminal, type Accepted, type NeedsInput, type RunResult, type Transition } from "./run.js"
export { compile, RegexError, type DfaTable } from "./table.js"
export { regex, string, integer, RegexDfa, StringDfa, IntegerDfa, type RegexOptions } from "./regex.js"
export { utf8Sequences, type ByteRange } from "./utf8.js"
export { Field, type FieldDecoder, bytes, lengthPrefixed, USINT, SINT, UINT, INT, UDINT, DINT, ULINT, LINT, REAL, LREAL, type FieldOptions } from "./binary.js"
export { DfaRunner, DfaRunnerLive, NoProgress, Records, type RecordError } from "./runner.js"
