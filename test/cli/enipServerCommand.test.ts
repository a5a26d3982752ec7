/**
 * `cpppo enip server` run in-process (test/cli/inProcess.ts) on 127.0.0.1 port 0: the options the
 * handler turns into the simulator's configuration, observed from outside as a client or a web
 * browser would: -A's address lines, the tags served, -p's event lines, the identity options, the
 * web API with its token, the delay, --historize's file.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { runCpppo, serveCpppo } from "./inProcess.js"

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const portOf = (line: string) => Number(line.slice(line.lastIndexOf(":") + 1))

describe("enip server in-process", () => {
  it.live("-A prints the address; the tags are served; -p prints a line per write", () => Effect.gen(function* () {
    const s = yield* serveCpppo("enip", "server", "-a", "127.0.0.1:0", "-A", "-p", "-U", "X=INT[3]", "Speed@0x93/3/10=REAL")
    const [first] = yield* s.lines(1)
    expect(first).toMatch(/^127\.0\.0\.1:\d+$/)
    const port = portOf(first!)
    const c = yield* Client.connect({ host: "127.0.0.1", port })
    const w = yield* c.processAll(ops("X[1]=(INT)5", "X[0-2]", "Speed"))
    expect(w.transactions.map((t) => t.values)).toEqual([[5], [0, 5, 0], [0]])
    expect(w.failures).toBe(0)
    const lines = yield* s.lines(4)
    expect(lines.slice(1)).toEqual(["                   X[    1-1    ] <= [5]", "                   X[    0-2    ] == [0, 5, 0]", "               Speed[    0-0    ] == [0.0]"])
  }).pipe(Effect.scoped))

  it.live("identity options reach the Identity object; -w serves the web API (web line after -A's), --web-token guards writes; -d sets the delay", () => Effect.gen(function* () {
    const s = yield* serveCpppo("enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "-w", ":0", "--web-token", "s3cret", "-d", "0.01",
      "--vendor", "99", "--product-name", "Test PLC", "--serial", "0x10", "X=INT")
    const [tcp, web] = yield* s.lines(2)
    expect(web).toMatch(/^web 127\.0\.0\.1:\d+$/)
    const got = yield* runCpppo("enip", "get-attribute", "-a", tcp!, "@1/1/1", "@1/1/7", "@1/1/6")
    expect(got.out).toContain("Vendor ID                  99")
    expect(got.out).toContain("Product Name               Test PLC")
    expect(got.out).toMatch(/Serial Number +(0x0*10|16)\b/)
    const url = `http://${web!.slice(4)}`
    const options = yield* Effect.promise(() => fetch(`${url}/api/options`).then((r) => r.json()))
    expect((options as { data: { options: { delay: { value: number } } } }).data.options.delay.value).toBe(0.01)
    const refused = yield* Effect.promise(() => fetch(`${url}/api/tags/X/attribute=3`))
    expect(refused.status).toBe(401)
    const ok = yield* Effect.promise(() => fetch(`${url}/api/tags/X/attribute=3`, { headers: { authorization: "Bearer s3cret" } }))
    expect(ok.status).toBe(200)
    const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
    expect((yield* c.processAll(ops("X"))).transactions[0]!.values).toEqual([3])
  }).pipe(Effect.scoped))

  it.live("--historize FILE records into FILE; enip historize FILE does the same", () => Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-serve-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    for (const args of [["enip", "server", "--historize", join(dir, "a.hst")], ["enip", "historize", join(dir, "b.hst")]]) {
      yield* Effect.scoped(Effect.gen(function* () {
        const s = yield* serveCpppo(...args, "-a", "127.0.0.1:0", "-A", "-U", "X=INT")
        const [tcp] = yield* s.lines(1)
        const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
        expect((yield* c.processAll(ops("X=(INT)4"))).failures).toBe(0)
      }))
    }
    expect(existsSync(join(dir, "a.hst"))).toBe(true)
    expect(existsSync(join(dir, "b.hst"))).toBe(true)
  }).pipe(Effect.scoped))
})
