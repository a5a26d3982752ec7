/**
 * The rules of src/cip/layout.ts one at a time, beside the byte-for-byte controller comparisons of
 * layout.test.ts: each refusal's exact message, BOOL hosts of 8, BOOL arrays in DWORDs, alignment
 * of scalars and arrays, the template words of each member kind, the `;n` suffix letters, handle
 * collisions, the type registry's lookups, and the members as declared back.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  BUILTIN_TYPES, buildTypes, crc16, declaredMembers, FIRST_UDT_INSTANCE, MAX_STRUCT_SIZE, MEMBER_ATOMICS, STRING_LAYOUT, templateDefinition, type TypeRegistry
} from "../../src/cip/layout.js"
import { parseUdtText, type UdtDefinition } from "../../src/cip/udt.js"

const defs = (...texts: Array<string>): Array<UdtDefinition> => texts.map((t) => Either.getOrThrow(parseUdtText(t)))
const build = (...texts: Array<string>): TypeRegistry => Either.getOrThrow(buildTypes(defs(...texts)))
const refusal = (d: ReadonlyArray<UdtDefinition>) => {
  const r = buildTypes(d)
  if (Either.isRight(r)) throw new Error("built")
  return [r.left.udt, r.left.message]
}

describe("CRC-16/ARC", () => {
  it("the catalogue check value, and a CRC continued over a second part", () => {
    const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))
    expect(crc16(ascii("123456789"))).toBe(0xbb3d)
    expect(crc16(new Uint8Array(0))).toBe(0)
    expect(crc16(ascii("6789"), crc16(ascii("12345")))).toBe(0xbb3d)
  })
})

describe("structure definitions refused", () => {
  it("a name that is already a type: atomic (any case), STRING, SSTRING, DWORD, or a structure before it", () => {
    for (const name of ["INT", "lreal", "Bool", "String", "SSTRING", "dword"]) {
      expect(refusal([{ name, members: [{ name: "x", type: "DINT" }] }])).toEqual([name, `bad structure ${name}: the name ${name} is already a type`])
    }
    expect(refusal(defs("M{x:DINT}", "m{y:DINT}"))).toEqual(["m", "bad structure m: the name m is already a type"])
    for (const name of ["DWORDS", "XSSTRING", "INTEGER"]) expect(Either.isRight(buildTypes([{ name, members: [{ name: "x", type: "DINT" }] }])), name).toBe(true)
  })

  it("no members, a member declared twice (any case), an unknown or later type", () => {
    expect(refusal([{ name: "E", members: [] }])).toEqual(["E", "bad structure E: no members"])
    expect(refusal(defs("M{Speed:REAL,SPEED:DINT}"))).toEqual(["M", "bad structure M: member SPEED declared twice"])
    expect(refusal(defs("M{a:BOOL,A:BOOL}"))).toEqual(["M", "bad structure M: member A declared twice"])
    expect(refusal(defs("M{p:Pump}", "Pump{x:INT}"))).toEqual([
      "M", "bad structure M: member p has unknown type Pump (an atomic type, STRING, or a structure declared before M)"
    ])
  })

  it("larger than 2 MiB: exactly 2 MiB is accepted, 4 bytes more refused", () => {
    expect(MAX_STRUCT_SIZE).toBe(2 * 1024 * 1024)
    const big = build("A{x:DINT[65535]}", "B{a:A[8],y:DINT[8]}")
    expect(big.byName("B")!.size).toBe(MAX_STRUCT_SIZE)
    expect(refusal(defs("A{x:DINT[65535]}", "B{a:A[8],y:DINT[9]}"))).toEqual(["B", "bad structure B: larger than 2097152 bytes"])
    expect(refusal(defs("A{x:DINT[65535]}", "B{a:A[9]}"))).toEqual(["B", "bad structure B: larger than 2097152 bytes"])
  })

  it("more than 65535 members (hidden BOOL hosts count)", () => {
    const members = Array.from({ length: 65536 }, (_, i) => ({ name: `b${i}`, type: "BOOL" }))
    expect(refusal([{ name: "Big", members }])).toEqual(["Big", "bad structure Big: too many members"])
    // 65535 members exactly (58,253 BOOLs and their 7,282 hosts) are accepted.
    const most = Array.from({ length: 58_253 }, (_, i) => ({ name: `b${i}`, type: "BOOL" }))
    const big = Either.getOrThrow(buildTypes([{ name: "Most", members: most }])).byName("Most")!
    expect(big.members.length).toBe(65_535)
  })

  it("at most 3,584 structures, instances 0x100 to 0xEFF: the next one is refused", () => {
    const many = Array.from({ length: 0xeff - FIRST_UDT_INSTANCE + 1 }, (_, i) => ({ name: `T${i}`, members: [{ name: "x", type: "DINT" }] }))
    const reg = Either.getOrThrow(buildTypes(many))
    expect(reg.layouts.length).toBe(1 + 3584)
    expect(reg.byName("T3583")!.instance).toBe(0xeff)
    expect(new Set(reg.layouts.map((l) => l.handle)).size).toBe(1 + 3584)
    expect(refusal([...many, { name: "One", members: [{ name: "x", type: "DINT" }] }])).toEqual(["One", "bad structure One: too many structures"])
  })
})

describe("member placement and template words", () => {
  it("BOOLs share a hidden SINT, 8 to a host; any other member ends the run", () => {
    const l = build("Flags{a:BOOL,b:BOOL,c:BOOL,d:BOOL,e:BOOL,f:BOOL,g:BOOL,h:BOOL,i:BOOL,j:SINT,k:BOOL}").byName("Flags")!
    expect(l.members.map((m) => [m.name, m.hidden, m.kind, m.offset, m.bit, m.typeWord, m.info])).toEqual([
      ["ZZZZZZZZZZFlags0", true, "atomic", 0, 0, 0xc2, 0],
      ...["a", "b", "c", "d", "e", "f", "g", "h"].map((n, bit) => [n, false, "bit", 0, bit, 0xc1, bit]),
      ["ZZZZZZZZZZFlags9", true, "atomic", 1, 0, 0xc2, 0],
      ["i", false, "bit", 1, 0, 0xc1, 0],
      ["j", false, "atomic", 2, 0, 0xc2, 0],
      ["ZZZZZZZZZZFlags12", true, "atomic", 3, 0, 0xc2, 0],
      ["k", false, "bit", 3, 0, 0xc1, 0]
    ])
    expect(l.size).toBe(4)
    // The host's name takes the first 10 characters of the structure's name.
    expect(build("ABCDEFGHIJKLMN{x:BOOL}").byName("ABCDEFGHIJKLMN")!.members[0]!.name).toBe("ZZZZZZZZZZABCDEFGHIJ0")
  })

  it("BOOL arrays: whole DWORDs (dims rounded up to 32), 4-aligned, type DWORD array, INFO the DWORD count", () => {
    const l = build("B{s:SINT,f:BOOL[40],t:SINT}").byName("B")!
    expect(l.member("f")).toMatchObject({ kind: "bits", atomic: "DWORD", dims: 64, offset: 4, size: 4, count: 2, typeWord: 0x20d3, info: 2 })
    expect(l.member("t")!.offset).toBe(12)
    expect(build("C{f:BOOL[32]}").byName("C")!).toMatchObject({ size: 4, members: [{ dims: 32, count: 1, info: 1 }] })
  })

  it("scalars aligned to their size up to 4, arrays and structures to 4; array type words and INFO", () => {
    const l = build("P{a:SINT}", "S{a:SINT,b:INT,c:SINT,d:LINT,e:SINT,f:SINT[3],g:SINT,h:P,i:SINT,j:P[2],k:REAL[2]}").byName("S")!
    expect(l.members.map((m) => [m.name, m.offset])).toEqual([
      ["a", 0], ["b", 2], ["c", 4], ["d", 8], ["e", 16], ["f", 20], ["g", 23], ["h", 24], ["i", 28], ["j", 32], ["k", 40]
    ])
    expect(l.size).toBe(48)
    const p = build("P{a:SINT}").byName("P")!
    expect(l.member("f")).toMatchObject({ kind: "atomic", atomic: "SINT", dims: 3, count: 3, size: 1, typeWord: 0x20c2, info: 3 })
    expect(l.member("d")).toMatchObject({ dims: 0, count: 1, size: 8, typeWord: 0xc5, info: 0 })
    expect(l.member("h")).toMatchObject({ kind: "struct", dims: 0, count: 1, size: 4, typeWord: 0x8000 | p.instance, info: 0 })
    expect(l.member("j")).toMatchObject({ kind: "struct", dims: 2, count: 2, size: 4, typeWord: 0xa000 | p.instance, info: 2 })
    expect(build("Q{a:SINT,b:SINT,c:SINT}").byName("Q")!.size).toBe(4)
    expect(build("Q{a:LREAL}").byName("Q")!.size).toBe(8)
  })

  it("a STRING member is the built-in structure; its template words name instance 0xFCE", () => {
    const l = build("N{n:STRING,m:STRING[2]}").byName("N")!
    expect(l.member("n")).toMatchObject({ kind: "struct", struct: STRING_LAYOUT, offset: 0, size: 88, typeWord: 0x8fce })
    expect(l.member("m")).toMatchObject({ offset: 88, count: 2, typeWord: 0xafce, info: 2 })
    expect(l.size).toBe(264)
  })

  it("the name's suffix: HA for REAL/LREAL, AA for structures, EA for the rest (hidden hosts too)", () => {
    const l = build("P{a:SINT}", "M{r:REAL,l:LREAL,p:P,b:BOOL,d:DINT,f:BOOL[32],u:UDINT}").byName("M")!
    expect(l.members.map((m) => m.suffix).join("")).toBe("HAHAAAEAEAEAEAEA")
    const def = templateDefinition(l)
    const text = String.fromCharCode(...def.bytes.subarray(8 * l.members.length))
    expect(text.startsWith("M;nHAHAAAEAEAEAEAEA\0r\0l\0p\0")).toBe(true)
    expect(def.bytes.length).toBe(def.words * 4 - 20)
  })

  it("definition words: floor((member infos + names + NULs + 23) / 4); zero padding after the names", () => {
    const l = build("A{x:DINT}").byName("A")!
    // infos 8, "A;nEA\0" 6, "x\0" 2: 16 bytes → (16 + 23) / 4 = 9 words, 16 bytes served.
    const d = templateDefinition(l)
    expect(d.words).toBe(9)
    expect(d.bytes).toEqual(Uint8Array.of(0, 0, 0xc4, 0, 0, 0, 0, 0, 0x41, 0x3b, 0x6e, 0x45, 0x41, 0, 0x78, 0))
    const b = templateDefinition({ ...l, name: "AB" })
    expect(b.words).toBe(10)
    expect(b.bytes).toHaveLength(20)
    expect(b.bytes.subarray(17)).toEqual(Uint8Array.of(0, 0, 0))
    expect(templateDefinition(STRING_LAYOUT).words).toBe(15)
  })
})

describe("handles and the registry", () => {
  it("a handle taken (by an earlier structure, or the STRING's 0x0FCE) moves to the next free one", () => {
    // T405 and T800 {x:DINT} have the same CRC; T1389's is 0x0FCE, the STRING's handle.
    const crcOf = (name: string) => crc16(templateDefinition({ name, members: build(`${name}{x:DINT}`).byName(name)!.members, predefined: false }).bytes)
    expect(crcOf("T405")).toBe(crcOf("T800"))
    expect(crcOf("T1389")).toBe(0x0fce)
    const reg = build("T405{x:DINT}", "T800{x:DINT}", "T1389{x:DINT}")
    expect(reg.byName("T405")!.handle).toBe(crcOf("T405"))
    expect(reg.byName("T800")!.handle).toBe((crcOf("T405") + 1) & 0xffff)
    expect(reg.byName("T1389")!.handle).toBe(0x0fcf)
    expect(reg.byHandle(0x0fcf)!.name).toBe("T1389")
  })

  it("instances from 0x100 in order; lookups by name (any case), instance and handle; STRING built in", () => {
    expect(FIRST_UDT_INSTANCE).toBe(0x100)
    const reg = build("A{x:DINT}", "B{a:A}")
    expect(reg.layouts.map((l) => [l.name, l.instance, l.predefined])).toEqual([["ASCIISTRING82", 0x0fce, true], ["A", 0x100, false], ["B", 0x101, false]])
    expect(reg.byName("a")!.name).toBe("A")
    expect(reg.byName("STRING")).toBe(STRING_LAYOUT)
    expect(reg.byName("string")).toBe(STRING_LAYOUT)
    expect(reg.byName("ASCIISTRING82")).toBeUndefined()
    expect(reg.byInstance(0x101)!.name).toBe("B")
    expect(reg.byInstance(0x0fce)).toBe(STRING_LAYOUT)
    expect(reg.byInstance(0x102)).toBeUndefined()
    expect(reg.byHandle(reg.byName("B")!.handle)!.name).toBe("B")
    expect(reg.byHandle(0x0fce)).toBe(STRING_LAYOUT)
    expect(BUILTIN_TYPES.layouts).toEqual([STRING_LAYOUT])
    expect(BUILTIN_TYPES.byName("A")).toBeUndefined()
    expect(STRING_LAYOUT.member("len")!.name).toBe("LEN")
    expect(STRING_LAYOUT.member("Data")!.count).toBe(82)
    expect(MEMBER_ATOMICS).toEqual(["BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL"])
  })

  it("members as declared: hidden hosts left out, BOOLs and BOOL arrays as BOOL, STRING and structures by name", () => {
    const reg = build("P{a:SINT}", "M{b:BOOL,f:BOOL[40],s:STRING,p:P[2],r:REAL,n:INT[3]}")
    expect(declaredMembers(reg.byName("M")!)).toEqual([
      { name: "b", type: "BOOL" }, { name: "f", type: "BOOL", dims: 64 }, { name: "s", type: "STRING" },
      { name: "p", type: "P", dims: 2 }, { name: "r", type: "REAL" }, { name: "n", type: "INT", dims: 3 }
    ])
    expect(declaredMembers(STRING_LAYOUT)).toEqual([{ name: "LEN", type: "DINT" }, { name: "DATA", type: "SINT", dims: 82 }])
  })
})
