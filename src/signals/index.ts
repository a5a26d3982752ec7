/**
 * Signal generators: tags that move by themselves (sine, ramp, sawtooth, square, triangle,
 * random walk, noise, counter, sequence, and expressions over other tags), written into a
 * TagStore on an Effect Schedule.
 *
 * @module
 */
export { type Argument, type BinaryOp, type Expr, parseExpression, parseSignal, type PathSegment, SignalParseError, type SignalSpec, type TagPath } from "./parser.js"
export { SignalSyntaxError, type Token, type TokenKind, tokenize, UNITS } from "./lexer.js"
export { compile, type CompileEnv, CompileFail, type Compiled, FUNCTION_NAMES, type Kind, type RefBinding, type Value } from "./compile.js"
export { GENERATORS, type Generator, type GeneratorDef, type Instance, type Param, seededRandom } from "./generators.js"
export { makeSignals, type SignalInfo, type SignalOptions, Signals, type SignalsService, type SignalStats } from "./engine.js"
export { elementKey, elementLabel, type ElementRun, resolvePath, toStored, toValue } from "./targets.js"
