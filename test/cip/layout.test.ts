/**
 * Structure layout and template bytes against real controllers (test/fixtures/logix-structures.json):
 * what pycomm3 uploaded from a real Logix controller for structures declared in its test project
 * (packed BOOLs, BOOL and atomic arrays, nested structures with STRING members, user string types),
 * the hidden BOOL hosts of that project's export, and a 1756-L75's Read Template reply, byte for byte.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { buildTypes, STRING_LAYOUT, type StructLayout, templateDefinition, type TypeRegistry } from "../../src/cip/layout.js"
import { layoutFromTemplate, parseTemplateDefinition } from "../../src/cip/template.js"
import { parseUdtText, type UdtDefinition } from "../../src/cip/udt.js"
import { loadLogixStructures, type UploadedMember } from "../fixtures/fixtures.js"

const facts = loadLogixStructures()
const def = (text: string): UdtDefinition => Either.getOrThrow(parseUdtText(text))
const types = (...texts: ReadonlyArray<string>): TypeRegistry => Either.getOrThrow(buildTypes(texts.map(def)))

/** Our layout's members as pycomm3 describes a template's members. */
const asUploaded = (l: StructLayout): Array<UploadedMember> =>
  l.members.map((m) => {
    const type = m.kind === "struct" ? (m.struct === STRING_LAYOUT ? "STRING" : m.struct!.name) : m.atomic!
    return m.kind === "bit" ? { name: m.name, type, offset: m.offset, bit: m.bit } : { name: m.name, type, offset: m.offset, array: m.kind === "bits" ? m.count : m.dims }
  })

describe("structure layout as a real controller lays it out (pycomm3's upload)", () => {
  const s = facts.structures
  const all = types(s["pycomm3_AtomicUDT"]!.declared!, s["pycomm3_AtomicArrayUDT"]!.declared!, s["pycomm3_NestedUDT"]!.declared!,
    s["STRING20"]!.declared!, s["STRING480"]!.declared!)

  for (const name of ["pycomm3_AtomicUDT", "pycomm3_AtomicArrayUDT", "pycomm3_NestedUDT", "STRING20", "STRING480"]) {
    it(`${name}: members, offsets, bits, array sizes, size, member count and definition words`, () => {
      const real = s[name]!.uploaded
      const l = all.byName(name)!
      expect(asUploaded(l)).toEqual(real.members)
      expect(l.size).toBe(real.template.structure_size)
      expect(l.members.length).toBe(real.template.member_count)
      expect(templateDefinition(l).words).toBe(real.template.object_definition_size)
    })
  }

  it("packed BOOLs: a hidden SINT before them, the next member right after it (pycomm3_AtomicUDT: 0/1/2/4/8/16, 20 bytes)", () => {
    const l = all.byName("pycomm3_AtomicUDT")!
    expect(l.members.slice(0, 3).map((m) => [m.name, m.hidden, m.offset, m.kind])).toEqual([
      ["ZZZZZZZZZZpycomm3_At0", true, 0, "atomic"], ["bool", false, 0, "bit"], ["sint", false, 1, "atomic"]
    ])
  })

  it("the built-in STRING: 88 bytes, LEN + DATA[82], 15 words (predefined: no ;n suffix)", () => {
    const real = s["STRING"]!.uploaded
    expect(asUploaded(STRING_LAYOUT)).toEqual(real.members)
    expect([STRING_LAYOUT.size, STRING_LAYOUT.members.length, STRING_LAYOUT.handle, templateDefinition(STRING_LAYOUT).words])
      .toEqual([real.template.structure_size, real.template.member_count, real.template.structure_handle, real.template.object_definition_size])
  })

  it("nested structures with STRING members: each element placed at its structure's size (pycomm3_NestedUDT, 1464 bytes)", () => {
    const l = all.byName("pycomm3_NestedUDT")!
    expect(l.member("str_ary1")).toMatchObject({ kind: "struct", offset: 1024, dims: 5, size: 88, typeWord: 0xa000 | 0x0fce, info: 5 })
    expect(l.member("udt_ary2")).toMatchObject({ offset: 256, size: 136, typeWord: 0xa000 | all.byName("pycomm3_AtomicArrayUDT")!.instance })
  })
})

describe("hidden BOOL hosts, named as Logix Designer names them (the project export)", () => {
  for (const [name, h] of Object.entries(facts.hidden_hosts)) {
    it(`${name}: ${h.hosts.join(", ")}`, () => {
      const l = types(h.declared).byName(name)!
      expect(l.members.filter((m) => m.hidden).map((m) => m.name)).toEqual(h.hosts)
      // Eight BOOLs to a host; each BOOL names its host's byte and its bit.
      for (const m of l.members.filter((x) => x.kind === "bit")) {
        const host = l.members.filter((x) => x.hidden && x.offset === m.offset)
        expect(host).toHaveLength(1)
        expect(m.bit).toBeLessThan(8)
      }
    })
  }
})

describe("template definition bytes", () => {
  it("byte for byte as a 1756-L75 answers Read Template (pylogix issue #45): infos, my_UDT;nHAEA, names", () => {
    const l = types(facts.l75_template.declared).byName("my_UDT")!
    const { bytes, words } = templateDefinition(l)
    const real = Buffer.from(facts.l75_template.hex, "hex")
    expect(Buffer.from(bytes.subarray(0, real.length)).toString("hex")).toBe(real.toString("hex"))
    // Up to the object's 32-bit end: zeros after the last name; the size is floor((63 + 23) / 4) words.
    expect(words).toBe(21)
    expect(bytes.length).toBe(words * 4 - 20)
    expect([...bytes.subarray(real.length)].every((b) => b === 0)).toBe(true)
  })

  it("the client's template reader gives back the layout the Template object serves", () => {
    const reg = types(...Object.values(facts.structures).flatMap((x) => (x.declared !== undefined ? [x.declared] : [])))
    const read = new Map<number, StructLayout>()
    for (const l of reg.layouts) {
      const { bytes } = templateDefinition(l)
      const parsed = Either.getOrThrow(parseTemplateDefinition(bytes, l.members.length))
      expect(parsed.name).toBe(l.name)
      const back = layoutFromTemplate(l.instance, l.handle, l.size, parsed, (id) => read.get(id))
      read.set(l.instance, back)
      expect(asUploaded(back)).toEqual(asUploaded(l))
      expect(back.members.map((m) => [m.hidden, m.size, m.count])).toEqual(l.members.map((m) => [m.hidden, m.size, m.count]))
    }
  })

  it("handles: distinct per structure, never the STRING's 0x0FCE, the same for the same definition", () => {
    const a = types("A{x:DINT}", "B{x:DINT,y:REAL}", "C{s:STRING}")
    const handles = a.layouts.map((l) => l.handle)
    expect(new Set(handles).size).toBe(handles.length)
    expect(types("A{x:DINT}").byName("A")!.handle).toBe(a.byName("A")!.handle)
  })
})

describe("structure definitions refused with one line", () => {
  for (const [defs, why] of [
    [["Motor{Speed:REAL,Pump:Pump}"], /unknown type Pump/],
    [["Motor{Speed:REAL,speed:DINT}"], /declared twice/],
    [["INT{x:DINT}"], /already a type/],
    [["M{x:DINT}", "m{y:DINT}"], /already a type/],
    [["M{x:DINT[100000000]}"], /array size/]
  ] as const) {
    it(defs.join(" "), () => {
      const parsed = defs.map((d) => parseUdtText(d))
      const bad = parsed.find(Either.isLeft)
      const message = bad !== undefined ? bad.left.message : Either.match(buildTypes(parsed.map((p) => Either.getOrThrow(p))), { onLeft: (e) => e.message, onRight: () => "built" })
      expect(message).toMatch(why)
    })
  }
})
