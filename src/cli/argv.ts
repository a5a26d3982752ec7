/**
 * The argv check: walks the command line against the command tree (spec.ts) before @effect/cli
 * sees it, the way argparse does for cpppo. It names an unknown option or command (with a
 * suggestion), checks values (integers, ranges) and counts, counts `-v`, expands clusters
 * (`-Ap`, `-s100`), resolves negations (`--no-print`) and unique prefixes (`--addr`), answers
 * `-h/--help` and `--version`, and hands @effect/cli a canonical command line: every option by its
 * long name, flags as `--name=true` (so a following `1` or `yes` is never taken as the flag's
 * value), values as separate tokens, then the positional arguments.
 */
import { Either } from "effect"
import type { CommandNode, OptionDoc } from "./spec.js"

export type Directive =
  | { readonly _tag: "Run"; readonly argv: ReadonlyArray<string> }
  | { readonly _tag: "Help"; readonly path: ReadonlyArray<CommandNode> }
  | { readonly _tag: "Version" }

/** Levenshtein distance (small strings only). */
const distance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(prev[j]! + 1, next[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = next
  }
  return prev[b.length]!
}

/** The closest candidate within a third of the word's length (at least 2 edits allowed). */
export const suggest = (word: string, candidates: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1
  for (const c of candidates) {
    const d = distance(word, c)
    if (d < bestD) { best = c; bestD = d }
  }
  return best
}

const title = (path: ReadonlyArray<CommandNode>) => path.map((n) => n.name).join(" ")
const both = (o: OptionDoc) => (o.short !== undefined ? `-${o.short}/--${o.long}` : `--${o.long}`)

/** Whole decimal number, or a decimal number, as argparse's int/float accept them. */
const INTEGER = /^[+-]?\d+$/
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const NEGATIVE = /^-(\d+\.?\d*|\.\d+)$/

/** An option name the user typed, resolved: the option, and whether it was the negating form. */
interface Named { readonly option: OptionDoc; readonly negated: boolean }

const longNames = (node: CommandNode): ReadonlyArray<[string, Named]> =>
  node.options.flatMap((o): Array<[string, Named]> => [
    [o.long, { option: o, negated: false }],
    ...(o.negation !== undefined ? [[o.negation.long, { option: o, negated: true }] as [string, Named]] : [])
  ])

const shortNames = (node: CommandNode): ReadonlyArray<[string, Named]> =>
  node.options.flatMap((o): Array<[string, Named]> => [
    ...(o.short !== undefined ? [[o.short, { option: o, negated: false }] as [string, Named]] : []),
    ...(o.negation?.short !== undefined ? [[o.negation.short, { option: o, negated: true }] as [string, Named]] : [])
  ])

/** Check `args` (argv without node and the script) against the tree rooted at `root`. */
export const prepare = (root: CommandNode, args: ReadonlyArray<string>): Either.Either<Directive, string> => {
  const path: Array<CommandNode> = [root]
  let node = root
  let i = 0
  let verbosity = 0
  // Groups: each word picks a subcommand.
  while (node.children.length > 0) {
    const tok = args[i]
    if (tok === undefined || tok === "-h" || tok === "--help") return Either.right({ _tag: "Help", path })
    if (tok === "--version") return Either.right({ _tag: "Version" })
    if (tok === "-v" || /^-v+$/.test(tok) || tok === "--verbose") { verbosity += tok === "--verbose" ? 1 : tok.length - 1; i++; continue }
    const names = node.children.map((c) => c.name)
    if (tok.startsWith("-")) return Either.left(`unknown option ${tok} for "${title(path)}" (see ${title(path)} --help)`)
    const child = node.children.find((c) => c.name === tok)
    if (child === undefined) {
      const near = suggest(tok, names)
      return Either.left(`unknown command ${JSON.stringify(tok)} for "${title(path)}" (${near !== undefined ? `did you mean ${near}?` : `one of ${names.join(", ")}`})`)
    }
    path.push(child)
    node = child
    i++
  }

  const longs = longNames(node)
  const shorts = new Map(shortNames(node))
  const flags = new Map<OptionDoc, boolean>()
  const values = new Map<OptionDoc, Array<string>>()
  const positional: Array<string> = []
  const unknown = (name: string) => {
    const near = name.startsWith("--") ? suggest(name.slice(2), longs.map(([n]) => n)) : undefined
    return `unknown option ${name} for "${title(path)}" (${near !== undefined ? `did you mean --${near}?` : `see ${title(path)} --help`})`
  }
  const findLong = (name: string): Either.Either<Named, string> => {
    const exact = longs.find(([n]) => n === name)
    if (exact !== undefined) return Either.right(exact[1])
    // argparse accepts any unambiguous prefix of a long option.
    const prefixed = longs.filter(([n]) => n.startsWith(name))
    if (prefixed.length === 1 && name.length >= 2) return Either.right(prefixed[0]![1])
    if (prefixed.length > 1) return Either.left(`ambiguous option --${name} for "${title(path)}": --${prefixed.map(([n]) => n).join(", --")}`)
    return Either.left(unknown(`--${name}`))
  }
  /** Record one occurrence; `value` for options that take one. */
  const take = (named: Named, value: string | undefined): string | undefined => {
    const o = named.option
    if (o.kind === "flag") { flags.set(o, !named.negated); return undefined }
    const v = value ?? ""
    if (o.kind === "integer" || o.kind === "float") {
      const ok = o.kind === "integer" ? INTEGER.test(v) : FLOAT.test(v)
      const n = Number(v)
      const [lo, hi] = o.range ?? [-Infinity, Infinity]
      const bounds = o.range === undefined ? "" : hi === Infinity ? ` of at least ${lo}` : ` ${lo}..${hi}`
      const wanted = `${o.kind === "integer" ? "a whole number" : "a number"}${bounds}`
      if (!ok || !Number.isFinite(n)) return `${both(o)} takes ${wanted}, not ${JSON.stringify(v)}`
      if (n < lo || n > hi) return `${both(o)} takes ${wanted}, not ${v}`
    }
    const list = values.get(o) ?? []
    values.set(o, o.repeatable === true ? [...list, v] : [v])
    return undefined
  }
  /** The value of option `o` from the next token, if there is one that is not an option. */
  const nextValue = (o: OptionDoc): Either.Either<string, string> => {
    const v = args[i + 1]
    if (v === undefined || (v.startsWith("-") && v !== "-" && !NEGATIVE.test(v))) {
      return Either.left(`${both(o)} needs a value (${o.metavar ?? "VALUE"})`)
    }
    i++
    return Either.right(v)
  }

  let onlyPositional = false
  for (; i < args.length; i++) {
    const tok = args[i]!
    if (onlyPositional || tok === "-" || !tok.startsWith("-") || NEGATIVE.test(tok)) { positional.push(tok); continue }
    if (tok === "--") { onlyPositional = true; continue }
    if (tok.startsWith("--")) {
      const eq = tok.indexOf("=")
      const name = eq < 0 ? tok.slice(2) : tok.slice(2, eq)
      const inline = eq < 0 ? undefined : tok.slice(eq + 1)
      if (name === "help") return Either.right({ _tag: "Help", path })
      if (name === "version") return Either.right({ _tag: "Version" })
      if (name === "verbose") {
        if (inline !== undefined) return Either.left(`--verbose takes no value`)
        verbosity++
        continue
      }
      const found = findLong(name)
      if (Either.isLeft(found)) return Either.left(found.left)
      const o = found.right.option
      if (o.kind === "flag" && inline !== undefined) return Either.left(`--${name} takes no value`)
      let value = inline
      if (o.kind !== "flag" && value === undefined) {
        const v = nextValue(o)
        if (Either.isLeft(v)) return Either.left(v.left)
        value = v.right
      }
      const bad = take(found.right, value)
      if (bad !== undefined) return Either.left(bad)
      continue
    }
    // A cluster of short options: flags, then at most one that takes a value (the rest of the
    // token, or the next token), as in `-Ap`, `-vv`, `-s100`, `-a 127.0.0.1:0`.
    const letters = tok.slice(1)
    for (let j = 0; j < letters.length; j++) {
      const c = letters[j]!
      if (c === "h") return Either.right({ _tag: "Help", path })
      if (c === "v" && !shorts.has("v")) { verbosity++; continue }
      const named = shorts.get(c)
      if (named === undefined) return Either.left(unknown(letters.length > 1 ? `-${c} (in ${tok})` : tok))
      let value: string | undefined
      if (named.option.kind !== "flag") {
        const rest = letters.slice(j + 1)
        if (rest !== "") value = rest.startsWith("=") ? rest.slice(1) : rest
        else {
          const v = nextValue(named.option)
          if (Either.isLeft(v)) return Either.left(v.left)
          value = v.right
        }
        j = letters.length
      }
      const bad = take(named, value)
      if (bad !== undefined) return Either.left(bad)
    }
  }

  // Positional counts, in declaration order (only the last may repeat).
  let left = positional.length
  for (const a of node.args) {
    if (left < a.min) return Either.left(`missing ${a.name} for "${title(path)}" (see ${title(path)} --help)`)
    left -= Math.min(left, a.max)
  }
  if (left > 0) return Either.left(`unexpected argument ${JSON.stringify(positional[positional.length - left])} for "${title(path)}"`)

  const out: Array<string> = path.slice(1).map((n) => n.name)
  for (const o of node.options) {
    if (o.kind === "flag") { if (flags.get(o) === true) out.push(`--${o.long}=true`) }
    else for (const v of values.get(o) ?? []) out.push(`--${o.long}`, v)
  }
  if (verbosity > 0) {
    if (!node.options.some((o) => o.long === "verbosity")) return Either.left(`-v is not an option of "${title(path)}"`)
    if (!values.has(node.options.find((o) => o.long === "verbosity")!)) out.push("--verbosity", String(verbosity))
  }
  out.push(...positional)
  return Either.right({ _tag: "Run", argv: out })
}
