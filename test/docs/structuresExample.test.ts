/**
 * The README's structures example, run as printed (README, "Structures (UDTs) and BOOL arrays"):
 * the server command of "Declaring structures" (with a port of the OS's choosing and no web
 * server) and each `$ npx cpppo enip client …` line of "Worked example", in-process. Each client
 * prints exactly what the README shows beneath it — the `-p` lines, and `--list-tags`' instances,
 * template instances, handles and sizes — and the server's `-p` lines the README shows are among
 * those it printed. A change to the layout, the handles or the output fails here.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { runCpppo, serveCpppo } from "../cli/inProcess.js"

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8").split("\n")

/** The lines of the first fenced block after the heading. */
const blockAfter = (heading: string): Array<string> => {
  const h = README.indexOf(heading)
  if (h < 0) throw new Error(`no heading ${heading}`)
  const open = README.findIndex((l, i) => i > h && l.startsWith("```"))
  const close = README.findIndex((l, i) => i > open && l.startsWith("```"))
  return README.slice(open + 1, close)
}

/** Shell words of a line that quotes with single quotes only (as these examples do). */
const words = (line: string): Array<string> =>
  [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!)

const serverArgs = (): Array<string> => {
  const line = blockAfter("### Declaring structures").map((l) => l.replace(/\\$/, "")).join(" ")
  const w = words(line)
  expect(w.slice(0, 4)).toEqual(["npx", "cpppo", "enip", "server"])
  const args = w.slice(2)
  const web = args.indexOf("-w")
  if (web >= 0) args.splice(web, 2) // no web server here
  return [...args, "-a", "127.0.0.1:0", "-A", "-U"]
}

/** Each `$ npx cpppo …` line of the worked example with the lines it shows. */
const transcript = (): Array<{ readonly args: Array<string>; readonly shown: Array<string> }> => {
  const out: Array<{ args: Array<string>; shown: Array<string> }> = []
  for (const line of blockAfter("### Worked example")) {
    if (line.startsWith("$ ")) {
      const w = words(line.slice(2))
      expect(w.slice(0, 2)).toEqual(["npx", "cpppo"])
      out.push({ args: w.slice(2), shown: [] })
    } else out[out.length - 1]!.shown.push(line.trimEnd())
  }
  return out
}

describe("the README's structures example", () => {
  it.scopedLive("the clients print what the README shows; the server's -p lines are among those it printed", () =>
    Effect.gen(function* () {
      const server = yield* serveCpppo(...serverArgs())
      const [address] = yield* server.lines(1)
      const runs = transcript()
      expect(runs.map((r) => r.args.slice(0, 2))).toEqual([["enip", "client"], ["enip", "client"]])
      for (const { args, shown } of runs) {
        const a = args.indexOf("-a")
        args[a + 1] = address!
        const r = yield* runCpppo(...args)
        expect(r.end).toBe("ok")
        expect(r.out.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "")).toEqual(shown)
      }
      const printed = server.out().split("\n").map((l) => l.trimEnd())
      const serverShown = blockAfter("The server's `-p` lines name each member accessed (history records the same paths):")
      expect(serverShown.length).toBeGreaterThan(0)
      for (const l of serverShown) expect(printed).toContain(l.trimEnd())
    }))
})
