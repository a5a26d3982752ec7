/**
 * Usage mistakes through the real binary: one `cpppo:` line on stderr naming what was wrong
 * (the unknown option or command, with a suggestion; the value and what was expected), nothing on
 * stdout, exit status 2. Options are case-sensitive: -A is not -a, -S is not -s, in any order.
 */
import { describe, expect, it } from "@effect/vitest"
import { runAll, start } from "./cpppo.js"

const oneLine = (r: { status: number | null; stdout: string; stderr: string }) =>
  ({ status: r.status, lines: r.stderr.trimEnd().split("\n").length, stdout: r.stdout })

describe("usage mistakes (real binary)", () => {
  // More wordings are checked in-process (argv.test.ts); these go through the binary end to end.
  it("unknown options and commands are named, with a suggestion when one is close", async () => {
    const cases: ReadonlyArray<[ReadonlyArray<string>, RegExp]> = [
      [["enip", "server", "--bogus", "X=INT"], /^cpppo: unknown option --bogus for "cpppo enip server" \(see cpppo enip server --help\)$/],
      [["enip", "server", "--adress", "127.0.0.1:0"], /^cpppo: unknown option --adress for "cpppo enip server" \(did you mean --address\?\)$/],
      [["enip", "clinet"], /^cpppo: unknown command "clinet" for "cpppo enip" \(did you mean client\?\)$/],
      [["enip", "client", "--send-pth", "", "X"], /^cpppo: unknown option --send-pth for "cpppo enip client" \(did you mean --send-path\?\)$/],
      [["enip", "server", "-Apz", "X"], /^cpppo: unknown option -z \(in -Apz\) for "cpppo enip server"/],
      [["enip", "server", "--log-level", "debug", "X"], /^cpppo: unknown option --log-level for "cpppo enip server"/],
      [["enip", "server", "-s", "abc", "X=INT"], /^cpppo: -s\/--size takes a whole number 40\.\.65559, not "abc"$/],
      [["enip", "client", "--priority-time-tick", "16", "X"], /^cpppo: --priority-time-tick takes a whole number 0\.\.15, not 16$/],
      [["history", "cat"], /^cpppo: missing FILE for "cpppo history cat"/],
      [["enip", "server", "-T", "-U", "X"], /^cpppo: -T\/--no-tcp with -U\/--no-udp leaves nothing to serve$/],
      // modbus poll has no range checks of its own: the argv check's refusal is the only one.
      [["modbus", "poll", "-u", "256", "40001"], /^cpppo: -u\/--unit takes a whole number 0\.\.255, not 256$/],
      [["modbus", "poll", "--duration", "0", "40001"], /^cpppo: --duration takes a number of at least 0\.001, not 0$/]
    ]
    const runs = await runAll(cases.map(([args]) => args))
    runs.forEach((r, i) => {
      const [args, pattern] = cases[i]!
      expect({ args, ...oneLine(r) }).toEqual({ args, status: 2, lines: 1, stdout: "" })
      expect(r.stderr.trimEnd(), args.join(" ")).toMatch(pattern)
    })
  }, 120_000)

  it("-A and -S are not -a and -s: the user's tag is not taken as a value, whatever the order", async () => {
    // Before: `-w … -A X=INT` gave "Unable to recognize 'x=int' as a valid boolean" (the tag, lower-cased).
    for (const args of [["-a", "127.0.0.1:0", "-A", "X=INT"], ["-A", "-a", "127.0.0.1:0", "X=INT"], ["-S", "-A", "-a", "127.0.0.1:0", "-s", "100", "X=INT"]]) {
      const server = start(["enip", "server", "-U", ...args])
      try {
        expect(await server.line(/^127\.0\.0\.1:\d+$/), args.join(" ")).toMatch(/^127\.0\.0\.1:[1-9]\d*$/)
      } finally {
        expect(await server.stop()).toBe(0)
      }
      expect(server.stderr()).toBe("")
    }
  }, 120_000)
})
