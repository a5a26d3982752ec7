/**
 * Declarations of the CLI's options, arguments and commands. Each declaration builds the
 * @effect/cli `Options`/`Args`/`Command` that parse it and keeps what @effect/cli cannot show or
 * check: the short and long names, the metavar, the default, the range, the help text and the
 * negating option (`--no-print`). The argv check (argv.ts) and the help (help.ts) read these
 * records, so an option is declared once.
 */
import { Args, type CliApp, Command, Options } from "@effect/cli"
import type { Effect, Option } from "effect"

export type OptionKind = "flag" | "text" | "integer" | "float"

/** What one option is, for the argv check and the help. */
export interface OptionDoc {
  readonly long: string
  readonly short?: string | undefined
  readonly kind: OptionKind
  /** The value's name in help (`ADDRESS`); flags have none. */
  readonly metavar?: string | undefined
  readonly help: string
  /** Shown as `(default: …)`. */
  readonly default?: string | undefined
  /** Inclusive bounds of a numeric value, checked before parsing and shown in help. */
  readonly range?: readonly [number, number] | undefined
  /** May be given several times (each value kept); otherwise the last one given wins. */
  readonly repeatable?: boolean | undefined
  /** Accepted but not shown in help (the internal `--verbosity N`). */
  readonly hidden?: boolean | undefined
  /** Flags only: the option that turns the flag off again; the last one given wins. */
  readonly negation?: { readonly long: string; readonly short?: string | undefined; readonly help: string } | undefined
}

/** A positional argument: `min`..`max` occurrences. */
export interface ArgDoc {
  readonly name: string
  readonly help: string
  readonly min: number
  readonly max: number
}

const optionDocs = new WeakMap<object, OptionDoc>()
const argDocs = new WeakMap<object, ArgDoc>()

const register = <T extends object>(value: T, doc: OptionDoc): T => { optionDocs.set(value, doc); return value }

interface Common {
  readonly short?: string
  readonly help: string
  readonly hidden?: boolean
}
interface Valued extends Common {
  readonly metavar: string
  /** Shown as the default when the value itself is not (e.g. "all interfaces, port 44818"). */
  readonly showDefault?: string
}
interface Numeric extends Valued {
  readonly range?: readonly [number, number]
}

const named = (long: string, short: string | undefined) => (opt: Options.Options<unknown>) =>
  short === undefined ? opt : Options.withAlias(opt, short)

/** A flag (`-p/--print`); with `negation`, a second option (`--no-print`) turns it off again. */
export const flag = (long: string, c: Common & { readonly negation?: OptionDoc["negation"] }): Options.Options<boolean> =>
  register(named(long, c.short)(Options.boolean(long)) as Options.Options<boolean>,
    { long, short: c.short, kind: "flag", help: c.help, hidden: c.hidden, negation: c.negation })

/** A text value with a default. */
export function text(long: string, c: Valued & { readonly default: string }): Options.Options<string>
/** An optional text value. */
export function text(long: string, c: Valued): Options.Options<Option.Option<string>>
export function text(long: string, c: Valued & { readonly default?: string }): Options.Options<unknown> {
  const base = named(long, c.short)(Options.text(long)) as Options.Options<string>
  const opt = c.default !== undefined ? Options.withDefault(base, c.default) : Options.optional(base)
  return register(opt, { long, short: c.short, kind: "text", metavar: c.metavar, help: c.help, hidden: c.hidden, default: c.showDefault ?? c.default })
}

/** A text option that may repeat (`-c A -c B`), in the order given. */
export const texts = (long: string, c: Valued): Options.Options<Array<string>> =>
  register(Options.repeated(named(long, c.short)(Options.text(long)) as Options.Options<string>),
    { long, short: c.short, kind: "text", metavar: c.metavar, help: c.help, hidden: c.hidden, repeatable: true, default: c.showDefault })

const numeric = (kind: "integer" | "float") => {
  function make(long: string, c: Numeric & { readonly default: number }): Options.Options<number>
  function make(long: string, c: Numeric): Options.Options<Option.Option<number>>
  function make(long: string, c: Numeric & { readonly default?: number }): Options.Options<unknown> {
    const base = named(long, c.short)(kind === "integer" ? Options.integer(long) : Options.float(long)) as Options.Options<number>
    const opt = c.default !== undefined ? Options.withDefault(base, c.default) : Options.optional(base)
    return register(opt, {
      long, short: c.short, kind, metavar: c.metavar, help: c.help, hidden: c.hidden, range: c.range,
      default: c.showDefault ?? (c.default !== undefined ? String(c.default) : undefined)
    })
  }
  return make
}
/** A whole number (decimal), optionally within `range`. */
export const integer = numeric("integer")
/** A number, optionally within `range`. */
export const float = numeric("float")

/** Positional arguments `NAME…`, at least `min` of them (default 0). */
export const args = (name: string, c: { readonly help: string; readonly min?: number }): Args.Args<Array<string>> => {
  const a = Args.text({ name }).pipe(c.min !== undefined && c.min > 0 ? Args.atLeast(c.min) : Args.repeated) as Args.Args<Array<string>>
  argDocs.set(a, { name, help: c.help, min: c.min ?? 0, max: Infinity })
  return a
}

/** One positional argument `NAME`. */
export const arg = (name: string, c: { readonly help: string }): Args.Args<string> => {
  const a = Args.text({ name })
  argDocs.set(a, { name, help: c.help, min: 1, max: 1 })
  return a
}

/** A command as help shows it. */
export interface CommandInfo {
  readonly name: string
  /** One line, shown in the parent's list and under the usage line. */
  readonly summary: string
  /** More paragraphs, shown in the command's own help (its example comes from examples.ts). */
  readonly description?: ReadonlyArray<string>
}

/** A node of the command tree: a leaf (options, arguments, handler) or a group of commands. */
export interface CommandNode extends CommandInfo {
  readonly options: ReadonlyArray<OptionDoc>
  readonly args: ReadonlyArray<ArgDoc>
  readonly children: ReadonlyArray<CommandNode>
  /** The @effect/cli command (its handler needs at most what `cpppo`'s runtime provides). */
  readonly command: Command.Command<string, CliApp.CliApp.Environment, unknown, unknown>
}

type Config = Command.Command.Config

/** A runnable command; `config` holds options and arguments made by the constructors above. */
export const leaf = <const C extends Config, R extends CliApp.CliApp.Environment, E>(
  info: CommandInfo,
  config: C,
  handler: (parsed: Command.Command.ParseConfig<C>) => Effect.Effect<void, E, R>
): CommandNode => {
  const options: Array<OptionDoc> = []
  const positional: Array<ArgDoc> = []
  for (const value of Object.values(config)) {
    const o = optionDocs.get(value)
    const a = argDocs.get(value)
    if (o !== undefined) options.push(o)
    else if (a !== undefined) positional.push(a)
    else throw new Error(`cli: ${info.name}: an option or argument was not declared through spec.ts`)
  }
  const command = Command.make(info.name, config, handler as (parsed: unknown) => Effect.Effect<void, E, R>).pipe(Command.withDescription(info.summary))
  return { ...info, options, args: positional, children: [], command: command as unknown as CommandNode["command"] }
}

/** A group of commands (`cpppo enip …`). */
export const group = (info: CommandInfo, children: ReadonlyArray<CommandNode>): CommandNode => {
  const [first, ...rest] = children.map((c) => c.command)
  if (first === undefined) throw new Error(`cli: group ${info.name} has no commands`)
  const command = Command.make(info.name).pipe(Command.withDescription(info.summary), Command.withSubcommands([first, ...rest]))
  return { ...info, options: [], args: [], children, command: command as unknown as CommandNode["command"] }
}
