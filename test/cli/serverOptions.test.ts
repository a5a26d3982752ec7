/**
 * The options several commands share (src/cli/serverOptions.ts), parsed as every command parses
 * them: `-d` delays and ranges, `-w [iface][:port]`, comma lists, `--web-history`'s directory
 * check and `--route-path` (none spelled false, none or 0).
 */
import { Either, Option } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { delayOption, isDirectory, list, routePathOption, webOption } from "../../src/cli/serverOptions.js"

const given = (s: string) => Option.some(s)

describe("serverOptions", () => {
  it("-d: seconds, a range, or a refusal naming the text; nothing when not given", () => {
    expect(delayOption(Option.none())).toEqual(Either.right(undefined))
    expect(delayOption(given("0.5"))).toEqual(Either.right(0.5))
    expect(delayOption(given("0.1-0.9"))).toEqual(Either.right([0.1, 0.9]))
    expect(delayOption(given("soon"))).toEqual(Either.left('invalid delay "soon": expected seconds like 0.5 or a range like 0.1-0.9'))
  })

  it("-w: :PORT binds the server's own interface, a bare host port 80; nothing when not given", () => {
    expect(webOption(Option.none(), "127.0.0.2")).toEqual(Either.right(undefined))
    expect(webOption(given(":8080"), "127.0.0.2")).toEqual(Either.right({ host: "127.0.0.2", port: 8080 }))
    expect(webOption(given("127.0.0.3"), "127.0.0.2")).toEqual(Either.right({ host: "127.0.0.3", port: 80 }))
    expect(webOption(given("127.0.0.3:8081"), "127.0.0.2")).toEqual(Either.right({ host: "127.0.0.3", port: 8081 }))
    expect(Either.isLeft(webOption(given(":99999"), "127.0.0.2"))).toBe(true)
  })

  it("lists: trimmed, empty entries dropped", () => {
    expect(list(" a, b,,c ,")).toEqual(["a", "b", "c"])
    expect(list("")).toEqual([])
  })

  it("--web-history: a directory is; a file or a missing path is not", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cpppo-isdir-"))
    try {
      const file = path.join(dir, "f")
      writeFileSync(file, "x")
      expect(isDirectory(dir)).toBe(true)
      expect(isDirectory(file)).toBe(false)
      expect(isDirectory(path.join(dir, "missing"))).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("--route-path: port/link pairs or JSON; false, none, 0 (any case, spaced) for none; a bad one names the text", () => {
    expect(routePathOption(Option.none())).toEqual(Either.right(undefined))
    for (const none of ["false", "none", "0", " NONE ", "False"]) expect(routePathOption(given(none)), none).toEqual(Either.right([]))
    expect(routePathOption(given(" 1/3/2/10.0.0.1 "))).toEqual(Either.right([{ _tag: "Port", port: 1, link: 3 }, { _tag: "Port", port: 2, link: "10.0.0.1" }]))
    expect(routePathOption(given('[{"port":1,"link":0}]'))).toEqual(Either.right([{ _tag: "Port", port: 1, link: 0 }]))
    expect(routePathOption(given("nonesuch"))).toEqual(Either.left('invalid route path "nonesuch": route path needs port/link pairs: nonesuch'))
    expect(routePathOption(given("00"))).toEqual(Either.left('invalid route path "00": route path needs port/link pairs: 00'))
  })
})
