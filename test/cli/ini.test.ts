/** cpppo.cfg as Python's configparser reads it: sections, keys, comments, continuations, DEFAULT, interpolation. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { type Ini, iniValue, parseIni } from "../../src/cli/ini.js"

const ini = (text: string, into?: Ini) => Either.getOrThrow(parseIni(text, "cpppo.cfg", into))
const why = <A>(e: Either.Either<A, string>): string => Either.match(e, { onLeft: (x) => x, onRight: (a) => `parsed ${JSON.stringify(a, (_k, v) => v instanceof Map ? [...v] : v)}` })
const get = (i: Ini, s: string, k: string) => Either.getOrThrow(iniValue(i, s, k))

describe("parseIni", () => {
  it("keys with = or :, split at the first; keys lower-cased, values kept; a key alone has no value", () => {
    const i = ini("[Server]\nAddress = 127.0.0.1:44818\nWeb: 0.0.0.0:8080\nRoute=1/0=x\nEmpty =\nflag\n")
    expect([...i.get("Server")!]).toEqual([
      ["address", "127.0.0.1:44818"], ["web", "0.0.0.0:8080"], ["route", "1/0=x"], ["empty", ""], ["flag", undefined]
    ])
  })
  it("comment lines (# or ;, indented too) and ' #' trailing comments are dropped; a '#' inside a value is kept", () => {
    const i = ini("# top\n[S]\n; note\n   # indented\na = 1 # trailing\nb = x#y\nc = 2\t# tab\n")
    expect([...i.get("S")!]).toEqual([["a", "1"], ["b", "x#y"], ["c", "2"]])
  })
  it("indented lines continue the last key; a blank line ends it; CRLF lines too", () => {
    const i = ini("[S]\r\ntags = A=INT\r\n   B=REAL\r\n\tC=DINT\r\n\r\n  [T]\r\n")
    expect(i.get("S")!.get("tags")).toBe("A=INT\nB=REAL\nC=DINT")
    expect(i.has("T")).toBe(false)
    const j = Either.match(parseIni("[S]\na = 1\n\n  more\n", "f"), { onLeft: (x) => x, onRight: (x) => [...x.get("S")!] })
    expect(j).toEqual([["a", "1"], ["more", undefined]])
    expect([...ini("[S]\nflag\n  more\n").get("S")!]).toEqual([["flag", "\nmore"]])
  })
  it("a section named again adds to it; a second file overrides keys and keeps the rest", () => {
    const first = ini("[S]\na = 1\nb = 2\n[T]\nx = 0\n[S]\nc = 3\n")
    expect([...first.get("S")!.keys()]).toEqual(["a", "b", "c"])
    const both = ini("[S]\nb = 20\n", first)
    expect(both).toBe(first)
    expect([...both.get("S")!]).toEqual([["a", "1"], ["b", "20"], ["c", "3"]])
    expect(ini("[ S p ]  \nk=v").get(" S p ")!.get("k")).toBe("v")
  })
  it("a ; or # inside a value is kept; spaces before a trailing comment go; a blank line of spaces ends a value; junk after a header is no header", () => {
    const i = ini("[S]\nk=a;b\nh=x#y\nc = 1   # note\nd = 2\n   \n  e = 3\n[T] junk\n")
    expect([...i.get("S")!]).toEqual([["k", "a;b"], ["h", "x#y"], ["c", "1"], ["d", "2"], ["e", "3"], ["[t] junk", undefined]])
    expect(i.has("T")).toBe(false)
  })
  it("refusals name file and line", () => {
    expect(why(parseIni("\n# c\nkey = 1\n", "a.cfg"))).toBe("a.cfg:3: a key before any [Section] header")
    expect(why(parseIni("[S]\n= 1\n", "b.cfg"))).toBe('b.cfg:2: a line with no key: "= 1"')
    expect(why(parseIni("[S]\nok=1\n : x\n", "c.cfg"))).toBe("parsed " + JSON.stringify([["S", [["ok", "1\n: x"]]]]))
    expect(why(parseIni("[S]\n\n : x\n", "d.cfg"))).toBe('d.cfg:3: a line with no key: ": x"')
  })
})

describe("iniValue", () => {
  const cfg = ini([
    "[DEFAULT]", "host = 127.0.0.1", "port = 44818",
    "[Server]", "Address = ${host}:${port}", "price = $$5", "web = ${Web:address}", "loop = ${loop}", "bad = ${nothing}",
    "a = ${b}", "b = ${c}", "c = done", "port = 2222", "mixed = ${Web:address} and ${nothing}",
    "[Web]", "address = 0.0.0.0:${port}"
  ].join("\n"))
  it("own keys before DEFAULT's, any case of key; absent is undefined", () => {
    expect(get(cfg, "Server", "PORT")).toBe("2222")
    expect(get(cfg, "Web", "host")).toBe("127.0.0.1")
    expect(get(cfg, "Nowhere", "host")).toBe("127.0.0.1")
    expect(get(cfg, "Server", "missing")).toBeUndefined()
    expect(get(ini("[S]\nflag\n"), "S", "flag")).toBeUndefined()
  })
  it("${key} from the same section (or DEFAULT), ${section:key} from another, $$ is $, chains resolve", () => {
    expect(get(cfg, "Server", "address")).toBe("127.0.0.1:2222")
    expect(get(cfg, "Server", "price")).toBe("$5")
    expect(get(cfg, "Server", "web")).toBe("0.0.0.0:44818")
    expect(get(cfg, "Server", "a")).toBe("done")
  })
  it("an undefined reference and a loop are refused with the key", () => {
    expect(why(iniValue(cfg, "Server", "bad"))).toBe("[Server] bad: ${nothing} is not defined")
    expect(why(iniValue(cfg, "Server", "mixed"))).toBe("[Server] mixed: ${nothing} is not defined")
    expect(why(iniValue(cfg, "Server", "loop"))).toBe("[Server] loop: interpolation nested too deeply")
    const deep = ini(["[S]", ...Array.from({ length: 11 }, (_, i) => `k${i} = \${k${i + 1}}`), "k11 = end"].join("\n"))
    expect(get(deep, "S", "k1")).toBe("end")
    expect(why(iniValue(deep, "S", "k0"))).toBe("[S] k11: interpolation nested too deeply")
  })
})
