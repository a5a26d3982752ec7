/**
 * Help text in the shape of cpppo's (argparse): a usage line with the full command path, the
 * description, the positional arguments and options with their metavars, ranges and defaults,
 * and the command's example (examples.ts). Plain text: no colour, whatever the terminal.
 */
import { EXAMPLES } from "./examples.js"
import type { CommandNode, OptionDoc } from "./spec.js"

const COLUMN = 24

/** Greedy word wrap of `text` (or of unbreakable `words`) to `width`, continuation lines indented by `indent`. */
export const wrap = (text: string | ReadonlyArray<string>, width: number, indent: number, first = indent): string => {
  const words = typeof text === "string" ? text.split(/\s+/).filter((w) => w !== "") : text
  const lines: Array<string> = []
  let line = ""
  let room = width - first
  for (const w of words) {
    if (line !== "" && line.length + 1 + w.length > room) {
      lines.push(line)
      line = w
      room = width - indent
    } else line = line === "" ? w : `${line} ${w}`
  }
  lines.push(line)
  return lines.map((l, i) => (i === 0 ? l : " ".repeat(indent) + l)).join("\n")
}

const invocation = (o: OptionDoc): string => {
  const value = o.kind === "flag" ? "" : ` ${o.metavar ?? "VALUE"}`
  return o.short !== undefined ? `-${o.short}, --${o.long}${value}` : `--${o.long}${value}`
}

const explanation = (o: OptionDoc): string => {
  const notes = [
    o.range === undefined ? undefined : o.range[1] === Infinity ? `at least ${o.range[0]}` : `${o.range[0]}..${o.range[1]}`,
    o.default !== undefined ? `default: ${o.default === "" ? "''" : o.default}` : undefined,
    o.repeatable === true ? "may be repeated" : undefined
  ].filter((x) => x !== undefined)
  return notes.length > 0 ? `${o.help} (${notes.join("; ")})` : o.help
}

/** One `  -x, --long VALUE    help…` entry, the help wrapped in its column. */
const entry = (left: string, help: string, width: number): string => {
  const head = `  ${left}`
  return head.length + 2 <= COLUMN
    ? head.padEnd(COLUMN) + wrap(help, width, COLUMN)
    : `${head}\n${" ".repeat(COLUMN)}${wrap(help, width, COLUMN)}`
}

const usageWord = (o: OptionDoc): string => {
  const name = o.short !== undefined ? `-${o.short}` : `--${o.long}`
  const word = o.kind === "flag" ? `[${name}]` : `[${name} ${o.metavar ?? "VALUE"}]`
  return o.negation !== undefined ? `${word.slice(0, -1)} | ${o.negation.short !== undefined ? `-${o.negation.short}` : `--${o.negation.long}`}]` : word
}

/** The help of the command at the end of `path` (root first), for a terminal `width` wide. */
export const renderHelp = (path: ReadonlyArray<CommandNode>, version: string, width = 80): string => {
  const node = path[path.length - 1]!
  const name = path.map((n) => n.name).join(" ")
  const w = Math.max(60, Math.min(width, 120))
  const shown = node.options.filter((o) => o.hidden !== true)
  const hasVerbosity = node.options.some((o) => o.long === "verbosity")
  const words = node.children.length > 0
    ? ["[-h]", ...(path.length === 1 ? ["[--version]"] : []), "COMMAND", "..."]
    : ["[-h]", ...(hasVerbosity ? ["[-v]"] : []), ...shown.map(usageWord),
      ...node.args.map((a) => (a.min === 0 ? `[${a.name} ...]` : a.max > 1 ? `${a.name} [${a.name} ...]` : a.name))]
  const out: Array<string> = [`usage: ${name} ${wrap(words, w, `usage: ${name} `.length, `usage: ${name} `.length)}`, ""]
  out.push(wrap(node.summary, w, 0), ...(node.description ?? []).flatMap((p) => ["", wrap(p, w, 0)]), "")

  if (node.children.length > 0) {
    out.push("commands:", ...node.children.map((c) => entry(c.name, c.summary, w)), "")
  }
  if (node.args.length > 0) {
    out.push("positional arguments:", ...node.args.map((a) => entry(a.name, a.help, w)), "")
  }
  out.push("options:", entry("-h, --help", "show this help and exit", w))
  if (path.length === 1) out.push(entry("--version", `print the version (${version}) and exit`, w))
  if (hasVerbosity) out.push(entry("-v, --verbose", "more log output: -v info, -vv debug, -vvv trace (default: warnings)", w))
  for (const o of shown) {
    out.push(entry(invocation(o), explanation(o), w))
    if (o.negation !== undefined) {
      const n = o.negation
      out.push(entry(n.short !== undefined ? `-${n.short}, --${n.long}` : `--${n.long}`, n.help, w))
    }
  }
  const example = (EXAMPLES as Record<string, string>)[name]
  if (example !== undefined) out.push("", "example:", `  ${example}`)
  if (node.children.length > 0) out.push("", `Run "${name} COMMAND --help" for the options of a command.`)
  return out.join("\n") + "\n"
}
