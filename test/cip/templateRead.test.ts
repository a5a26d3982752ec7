/**
 * Reading a structure's template as a client does: Read Template bytes (member infos, then the
 * name with its `;n…` suffix and the member names, NUL-terminated) back into a layout that finds
 * members by name, with BOOLs at their bit, BOOL arrays as DWORDs and nested structures resolved.
 */
import { beforeEach, describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { STRING_LAYOUT, type StructLayout } from "../../src/cip/layout.js"
import { layoutFromTemplate, parseTemplateDefinition } from "../../src/cip/template.js"
import { LOGIX_STRING_HANDLE } from "../../src/cip/types.js"

/** Definition bytes: one (info, type, offset) per member, then `name\0` and each member's name. */
const definition = (name: string, members: ReadonlyArray<[string, number, number, number]>): Uint8Array => {
  const head = new Uint8Array(8 * members.length)
  const dv = new DataView(head.buffer)
  members.forEach(([, info, type, offset], i) => { dv.setUint16(8 * i, info, true); dv.setUint16(8 * i + 2, type, true); dv.setUint32(8 * i + 4, offset, true) })
  const names = [name, ...members.map(([n]) => n)].map((s) => s + "\0").join("")
  return Uint8Array.from([...head, ...Buffer.from(names, "latin1")])
}

const motor = definition("Motor;nABCD", [
  ["ZZZZZZZZZZMotor0", 0, 0xc2, 0],
  ["Running", 0, 0xc1, 0],
  ["Fault", 9, 0xc1, 0],
  ["Speed", 0, 0xca, 4],
  ["Counts", 4, 0x20c4, 8],
  ["Flags", 2, 0x20d3, 24],
  ["Inner", 0, 0x8000 | 0x123, 32],
  ["Items", 3, 0xa000 | 0x123, 40],
  ["Label", 0, 0x8000 | 0x0fce, 64],
  ["__Hidden", 0, 0xc3, 152],
  ["Odd", 0, 0xda, 154],
  ["Missing", 0, 0x8000 | 0x456, 156]
])

describe("parseTemplateDefinition", () => {
  it("a name that starts with ';' has an empty name and the rest as suffix", () => {
    expect(Either.getOrThrow(parseTemplateDefinition(definition(";nX", []), 0))).toEqual({ name: "", suffix: "nX", members: [] })
  })

  it("splits the name at ';' and reads every member's INFO, type and offset", () => {
    const def = Either.getOrThrow(parseTemplateDefinition(motor, 12))
    expect([def.name, def.suffix]).toEqual(["Motor", "nABCD"])
    expect(def.members[2]).toEqual({ name: "Fault", info: 9, type: 0xc1, offset: 0 })
    expect(def.members[4]).toEqual({ name: "Counts", info: 4, type: 0x20c4, offset: 8 })
    expect(def.members[7]).toEqual({ name: "Items", info: 3, type: 0xa123, offset: 40 })
    expect(def.members.map((m) => m.name)).toEqual(["ZZZZZZZZZZMotor0", "Running", "Fault", "Speed", "Counts", "Flags", "Inner", "Items", "Label", "__Hidden", "Odd", "Missing"])
  })

  it("a predefined structure has no suffix; extra bytes after the names are ignored", () => {
    const def = Either.getOrThrow(parseTemplateDefinition(Uint8Array.from([...definition("TIMER", [["PRE", 0, 0xc4, 4]]), 0, 0x41]), 1))
    expect(def).toEqual({ name: "TIMER", suffix: "", members: [{ name: "PRE", info: 0, type: 0xc4, offset: 4 }] })
  })

  it("refuses member infos or names cut short, saying where", () => {
    const r1 = parseTemplateDefinition(motor.subarray(0, 95), 12)
    expect(Either.isLeft(r1) && [r1.left.reason, r1.left.offset, r1.left.message]).toEqual(["Truncated", 95, "template of 12 members"])
    const cut = motor.subarray(0, motor.length - 1)
    const r2 = parseTemplateDefinition(cut, 12)
    expect(Either.isLeft(r2) && [r2.left.reason, r2.left.message]).toEqual(["Truncated", "template names"])
    expect(Either.isLeft(r2) && r2.left.offset).toBe(motor.length - "Missing\0".length)
    const r3 = parseTemplateDefinition(new Uint8Array(8), 1)
    expect(Either.isLeft(r3) && [r3.left.offset, r3.left.message]).toEqual([8, "template names"])
    expect(Either.isRight(parseTemplateDefinition(Uint8Array.of(0), 0))).toBe(true)
  })
})

describe("layoutFromTemplate", () => {
  const inner: StructLayout = { ...STRING_LAYOUT, name: "Inner", instance: 0x123, handle: 0x5555, size: 8, predefined: false }
  const nested = (i: number) => (i === 0x123 ? inner : i === 0x0fce ? STRING_LAYOUT : undefined)
  // Built inside each test (not when the file loads), so each test exercises the code it checks.
  let layout: StructLayout
  beforeEach(() => { layout = layoutFromTemplate(0x200, 0xabcd, 156, Either.getOrThrow(parseTemplateDefinition(motor, 12)), nested) })

  it("carries the template's identity; user structures are not predefined", () => {
    expect([layout.name, layout.instance, layout.handle, layout.size, layout.predefined]).toEqual(["Motor", 0x200, 0xabcd, 156, false])
    // A member read from a template adds no characters to the name's suffix (that is for declared ones).
    expect(layout.members.every((m) => m.suffix === "")).toBe(true)
  })

  it("a BOOL is a bit of its host byte: INFO gives bit (low 3 bits) and byte (the rest)", () => {
    expect(layout.member("running")).toMatchObject({ kind: "bit", atomic: "BOOL", bit: 0, offset: 0, size: 1, count: 1, dims: 0 })
    expect(layout.member("Fault")).toMatchObject({ kind: "bit", bit: 1, offset: 1, info: 9, typeWord: 0xc1 })
  })

  it("atomics and their arrays; a BOOL array is DWORDs holding 32 BOOLs each", () => {
    expect(layout.member("SPEED")).toMatchObject({ kind: "atomic", atomic: "REAL", dims: 0, size: 4, count: 1, offset: 4, hidden: false })
    expect(layout.member("Counts")).toMatchObject({ kind: "atomic", atomic: "DINT", dims: 4, size: 4, count: 4, offset: 8 })
    expect(layout.member("Flags")).toMatchObject({ kind: "bits", atomic: "DWORD", dims: 64, size: 4, count: 2, offset: 24, bit: 0 })
  })

  it("nested structures (and arrays of them) are resolved; unknown ones and unsized atomics are left out", () => {
    expect(layout.member("Inner")).toMatchObject({ kind: "struct", struct: inner, dims: 0, size: 8, count: 1, offset: 32 })
    expect(layout.member("Items")).toMatchObject({ kind: "struct", struct: inner, dims: 3, size: 8, count: 3, offset: 40 })
    expect(layout.member("Label")).toMatchObject({ kind: "struct", struct: STRING_LAYOUT, size: 88 })
    expect(layout.member("Missing")).toBeUndefined()
    expect(layout.member("Odd")).toBeUndefined()
    expect(layout.members.map((m) => m.name)).toEqual(["ZZZZZZZZZZMotor0", "Running", "Fault", "Speed", "Counts", "Flags", "Inner", "Items", "Label", "__Hidden"])
  })

  it("BOOL hosts (ZZZZZZZZZZ…) and __ members are hidden, yet found by name as a controller finds them", () => {
    expect(layout.members.filter((m) => m.hidden).map((m) => m.name)).toEqual(["ZZZZZZZZZZMotor0", "__Hidden"])
    expect(layout.member("zzzzzzzzzzmotor0")).toMatchObject({ kind: "atomic", atomic: "SINT", hidden: true })
    expect(layout.member("__hidden")).toMatchObject({ atomic: "INT", hidden: true })
  })

  it("a template with the Logix STRING handle is the STRING layout; a predefined one has no suffix", () => {
    expect(layoutFromTemplate(0x0fce, LOGIX_STRING_HANDLE, 88, { name: "X", suffix: "", members: [] }, nested)).toBe(STRING_LAYOUT)
    const timer = layoutFromTemplate(0x300, 0x0f83, 12, { name: "TIMER", suffix: "", members: [{ name: "PRE", info: 0, type: 0xc4, offset: 4 }] }, nested)
    expect(timer.predefined).toBe(true)
    expect(timer.member("pre")).toMatchObject({ atomic: "DINT", offset: 4 })
    expect(timer.member("ACC")).toBeUndefined()
  })

  it("members of types without a fixed size (SSTRING, CIP STRING) or of unknown codes are left out", () => {
    const l = layoutFromTemplate(0x301, 0x1234, 16, {
      name: "ODD", suffix: "nEAEAEAEA", members: [
        { name: "S", info: 0, type: 0xda, offset: 0 }, { name: "C", info: 0, type: 0xd0, offset: 4 },
        { name: "U", info: 0, type: 0xff, offset: 8 }, { name: "D", info: 0, type: 0xc4, offset: 12 }
      ]
    }, nested)
    expect(l.members.map((m) => m.name)).toEqual(["D"])
    expect(l.member("s")).toBeUndefined()
    expect(l.member("d")).toMatchObject({ kind: "atomic", atomic: "DINT", size: 4, offset: 12 })
  })
})
