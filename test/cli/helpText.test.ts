/**
 * The help text (src/cli/help.ts) in-process, line by line: a small command tree with each kind of
 * option and argument (negations, ranges, defaults, repeats, hidden, long names), the width clamped
 * to 60..120 columns, and `-h`/`--version` through main.ts's `cli`. The real binary's help is
 * checked in help.test.ts.
 */
import { Options } from "@effect/cli"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { EXAMPLES } from "../../src/cli/examples.js"
import { renderHelp, wrap } from "../../src/cli/help.js"
import { tree, VERSION } from "../../src/cli/main.js"
import { arg, args, flag, float, group, integer, leaf, text, texts } from "../../src/cli/spec.js"
import { runCpppo } from "./inProcess.js"

describe("help text in-process (a command tree of each kind of option)", () => {
  // Built inside each test, so that the declarations (spec.ts) run under the test too.
  const makeProbe = () => leaf({ name: "probe", summary: "Probe the help.", description: ["A second paragraph, long enough to be wrapped at sixty columns of text."] }, {
    verbosity: integer("verbosity", { metavar: "N", help: "hidden", default: 0, hidden: true }),
    print: flag("print", { short: "p", help: "print lines", negation: { long: "no-print", help: "do not print" } }),
    noUdp: flag("no-udp", { short: "U", help: "no UDP", negation: { long: "udp", short: "u", help: "UDP too" } }),
    quiet: flag("quiet", { help: "say nothing" }),
    address: text("address", { short: "a", metavar: "ADDRESS", default: "", help: "where" }),
    name: text("name", { metavar: "NAME", showDefault: "plc", help: "a name" }),
    size: integer("size", { short: "s", metavar: "BYTES", range: [40, 100], help: "frame size" }),
    count: integer("count", { metavar: "N", range: [1, Infinity], default: 3, help: "how many" }),
    config: texts("config", { short: "c", metavar: "FILE", help: "a file" }),
    rate: float("a-rather-long-option", { metavar: "SECONDS", help: "its help goes under it" }),
    file: arg("FILE", { help: "the file" }),
    tags: args("TAG", { help: "tags" })
  }, () => Effect.void)
  const makeMore = () => leaf({ name: "more", summary: "At least one.", description: ["word ".repeat(40).trim()] }, {
    exact: flag("exactly-twenty-ccc", { help: "fits beside" }),
    over: flag("exactly-twenty-cccc", { help: "goes under" }),
    tags: args("TAG", { help: "one or more tags", min: 1 })
  }, () => Effect.void)
  const makeRoot = () => group({ name: "t", summary: "The root." }, [makeProbe(), makeMore()])

  it("a group: [--version] at the top only, its commands, the footer", () => {
    expect(renderHelp([makeRoot()], "9.9", 80)).toBe([
      "usage: t [-h] [--version] COMMAND ...", "", "The root.", "",
      "commands:", "  probe                 Probe the help.", "  more                  At least one.", "",
      "options:", "  -h, --help            show this help and exit", "  --version             print the version (9.9) and exit", "",
      `Run "t COMMAND --help" for the options of a command.`, ""
    ].join("\n"))
  })
  it("a command: usage words of each kind, negations, ranges, defaults, repeats; never narrower than 60 columns", () => {
    expect(renderHelp([makeRoot(), makeProbe()], "9.9", 40)).toBe([
      "usage: t probe [-h] [-v] [-p | --no-print] [-U | -u]",
      "               [--quiet] [-a ADDRESS] [--name NAME]",
      "               [-s BYTES] [--count N] [-c FILE]",
      "               [--a-rather-long-option SECONDS] FILE",
      "               [TAG ...]", "",
      "Probe the help.", "",
      "A second paragraph, long enough to be wrapped at sixty", "columns of text.", "",
      "positional arguments:", "  FILE                  the file", "  TAG                   tags", "",
      "options:",
      "  -h, --help            show this help and exit",
      "  -v, --verbose         more log output: -v info, -vv debug,",
      "                        -vvv trace (default: warnings)",
      "  -p, --print           print lines",
      "  --no-print            do not print",
      "  -U, --no-udp          no UDP",
      "  -u, --udp             UDP too",
      "  --quiet               say nothing",
      "  -a, --address ADDRESS",
      "                        where (default: '')",
      "  --name NAME           a name (default: plc)",
      "  -s, --size BYTES      frame size (40..100)",
      "  --count N             how many (at least 1; default: 3)",
      "  -c, --config FILE     a file (may be repeated)",
      "  --a-rather-long-option SECONDS",
      "                        its help goes under it", ""
    ].join("\n"))
  })
  it("at most 120 columns; an option name of 20 characters keeps its help beside it, 21 put it under", () => {
    expect(renderHelp([makeRoot(), makeMore()], "9.9", 200)).toBe([
      "usage: t more [-h] [--exactly-twenty-ccc] [--exactly-twenty-cccc] TAG [TAG ...]", "",
      "At least one.", "",
      "word ".repeat(24).trim(), "word ".repeat(16).trim(), "",
      "positional arguments:", "  TAG                   one or more tags", "",
      "options:",
      "  -h, --help            show this help and exit",
      "  --exactly-twenty-ccc  fits beside",
      "  --exactly-twenty-cccc",
      "                        goes under", ""
    ].join("\n"))
  })
  it("wrap: greedy, continuation lines indented; the first line's own indent", () => {
    expect(wrap("a bb  ccc dddd", 8, 2)).toBe("a bb\n  ccc\n  dddd")
    expect(wrap(["a b", "cc"], 4, 1, 0)).toBe("a b\n cc")
    expect(wrap("", 10, 0)).toBe("")
    // A trailing space makes no empty word; a first word filling the room starts no empty line.
    expect(wrap("a b ", 10, 0)).toBe("a b")
    expect(wrap("abcd ef", 4, 0)).toBe("abcd\nef")
  })
  it("a group below the top: no [--version]", () => {
    const sub = group({ name: "sub", summary: "A group." }, [makeMore()])
    expect(renderHelp([group({ name: "t", summary: "s" }, [sub]), sub], "9.9", 80).split("\n")[0]).toBe("usage: t sub [-h] COMMAND ...")
  })
  it("declarations: an option not made through spec.ts, a group without commands", () => {
    expect(() => leaf({ name: "bad", summary: "s" }, { x: Options.text("x") }, () => Effect.void)).toThrow("cli: bad: an option or argument was not declared through spec.ts")
    expect(() => group({ name: "g", summary: "s" }, [])).toThrow("cli: group g has no commands")
  })
  it.effect("cpppo -h, cpppo enip server --help and --version in-process print the help and the version", () =>
    Effect.gen(function* () {
      const enip = tree.children.find((c) => c.name === "enip")!
      const server = enip.children.find((c) => c.name === "server")!
      const width = process.stdout.columns ?? 80
      expect(yield* runCpppo("-h")).toEqual({ out: renderHelp([tree], VERSION, width), end: "ok", exitCode: undefined })
      expect(yield* runCpppo("enip", "server", "-a", "x", "--help")).toEqual({ out: renderHelp([tree, enip, server], VERSION, width), end: "ok", exitCode: undefined })
      expect((yield* runCpppo("enip", "server", "--help")).out).toMatch(/^usage: cpppo enip server \[-h\] \[-v\] \[-a ADDRESS\]/)
      expect(yield* runCpppo("--version")).toEqual({ out: `${VERSION}\n`, end: "ok", exitCode: undefined })
      // Each command's example ends its help.
      expect(renderHelp([tree], VERSION, 80)).toContain(`\n\nexample:\n  ${EXAMPLES["cpppo"]}\n\nRun "cpppo COMMAND --help"`)
      expect(renderHelp([tree, enip, server], VERSION, 80).endsWith(`\n\nexample:\n  ${EXAMPLES["cpppo enip server"]}\n`)).toBe(true)
      // On a terminal the help fills its width.
      const columns = Object.getOwnPropertyDescriptor(process.stdout, "columns")
      try {
        Object.defineProperty(process.stdout, "columns", { value: 100, configurable: true })
        const wide = (yield* runCpppo("-h")).out
        expect(wide).toBe(renderHelp([tree], VERSION, 100))
        expect(wide).not.toBe(renderHelp([tree], VERSION, 80))
      } finally {
        if (columns !== undefined) Object.defineProperty(process.stdout, "columns", columns)
        else delete (process.stdout as { columns?: number }).columns
      }
    }))
})
