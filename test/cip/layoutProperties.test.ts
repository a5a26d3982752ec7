/**
 * Properties of structure layouts and values over random definitions: members never overlap and
 * lie inside the structure, each aligned as Logix aligns it; the template's bytes read back to the
 * same layout; and any value encodes and decodes to itself.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import { decodeElements, encodeElements, memberElement } from "../../src/cip/element.js"
import { buildTypes, type LayoutMember, MEMBER_ATOMICS, STRING_LAYOUT, type StructLayout, templateDefinition, type TypeRegistry } from "../../src/cip/layout.js"
import { layoutFromTemplate, parseTemplateDefinition } from "../../src/cip/template.js"
import type { CipValue, StructValue } from "../../src/cip/types.js"
import { formatUdtText, parseUdtText, type UdtDefinition, type UdtMember } from "../../src/cip/udt.js"

const ident = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,11}$/)

/** 1..4 structures, each member an atomic type, STRING, or a structure declared before it. */
const definitions: fc.Arbitrary<ReadonlyArray<UdtDefinition>> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.tuple(...Array.from({ length: n }, (_, k) =>
    fc.uniqueArray(fc.tuple(ident, fc.constantFrom<string>(...MEMBER_ATOMICS, "BOOL", "BOOL", "STRING", ...Array.from({ length: k }, (_, j) => `T${j}`)), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 }))),
      { minLength: 1, maxLength: 12, selector: ([name]) => name.toLowerCase() })
      .map((ms): UdtDefinition => ({ name: `T${k}`, members: ms.map(([name, type, dims]): UdtMember => (dims > 0 ? { name, type, dims } : { name, type })) })))))
  // Arrays of structures of arrays can pass the 2 MiB a structure may take: those are refused.
  .filter((defs) => Either.isRight(buildTypes(defs)))

const build = (defs: ReadonlyArray<UdtDefinition>): TypeRegistry => Either.getOrThrow(buildTypes(defs))

/** A value of one member element (of element type `m`), for the round trip. */
const elementValue = (m: LayoutMember): fc.Arbitrary<CipValue> => {
  const t = memberElement(m)
  if (t._tag === "Struct") return structValue(t.layout)
  if (t._tag !== "Atomic") return fc.boolean()
  switch (t.name) {
    case "SINT": return fc.integer({ min: -128, max: 127 })
    case "USINT": return fc.integer({ min: 0, max: 255 })
    case "INT": return fc.integer({ min: -32768, max: 32767 })
    case "UINT": return fc.integer({ min: 0, max: 65535 })
    case "DINT": return fc.integer()
    case "UDINT": return fc.integer({ min: 0, max: 2 ** 32 - 1 })
    case "LINT": return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    case "ULINT": return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
    case "REAL": return fc.float({ noNaN: true })
    case "LREAL": return fc.double({ noNaN: true })
    case "STRING": return fc.string({ maxLength: 82, unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)) })
    default: return fc.boolean()
  }
}

const structValue = (l: StructLayout): fc.Arbitrary<StructValue> =>
  fc.record(Object.fromEntries(l.members.filter((m) => !m.hidden).map((m) => [m.name,
    m.dims > 0 ? fc.array(elementValue(m), { minLength: m.dims, maxLength: m.dims }) : elementValue(m)])) as Record<string, fc.Arbitrary<CipValue>>)

const alignOf = (m: LayoutMember) => (m.kind === "bit" || (m.dims === 0 && m.kind === "atomic") ? Math.min(m.size, 4) : 4)

describe("structure layouts over random definitions", () => {
  it("members never overlap, lie inside the structure, and are aligned as Logix aligns them; the size is a multiple of 4", () => {
    fc.assert(fc.property(definitions, (defs) => {
      for (const l of build(defs).layouts) {
        expect(l.size % 4).toBe(0)
        const spans = l.members.filter((m) => m.kind !== "bit").map((m) => [m.offset, m.offset + m.size * m.count, m.name] as const)
          .sort((a, b) => a[0] - b[0])
        for (let i = 0; i < spans.length; i++) {
          expect(spans[i]![0]).toBeGreaterThanOrEqual(0)
          expect(spans[i]![1]).toBeLessThanOrEqual(l.size)
          if (i > 0) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1])
        }
        for (const m of l.members) {
          expect(m.offset % alignOf(m)).toBe(0)
          if (m.kind === "bit") {
            // A BOOL is a bit of a hidden host byte, no two BOOLs the same bit.
            expect(l.members.some((h) => h.hidden && h.offset === m.offset)).toBe(true)
            expect(l.members.filter((o) => o.kind === "bit" && o.offset === m.offset && o.bit === m.bit)).toHaveLength(1)
          }
        }
      }
    }), runs(300))
  })

  it("the text form parses back to the same definitions, and the template reads back to the same layout", () => {
    fc.assert(fc.property(definitions, (defs) => {
      for (const d of defs) expect(Either.getOrThrow(parseUdtText(formatUdtText(d)))).toEqual(d)
      const types = build(defs)
      const read = new Map<number, StructLayout>([[STRING_LAYOUT.instance, STRING_LAYOUT]])
      for (const l of types.layouts.slice(1)) {
        const def = Either.getOrThrow(parseTemplateDefinition(templateDefinition(l).bytes, l.members.length))
        const back = layoutFromTemplate(l.instance, l.handle, l.size, def, (id) => read.get(id))
        read.set(l.instance, back)
        expect(back.members.map((m) => [m.name, m.kind, m.offset, m.bit, m.dims, m.count, m.size, m.hidden]))
          .toEqual(l.members.map((m) => [m.name, m.kind, m.offset, m.bit, m.dims, m.count, m.size, m.hidden]))
      }
    }), runs(300))
  })

  it("any value of a structure encodes and decodes to itself", () => {
    fc.assert(fc.property(definitions.chain((defs) => {
      const l = build(defs).layouts.at(-1)!
      return fc.tuple(fc.constant(l), fc.array(structValue(l), { minLength: 1, maxLength: 3 }))
    }), ([l, values]) => {
      const t = { _tag: "Struct", layout: l } as const
      const bytes = Either.getOrThrow(encodeElements(t, values))
      expect(bytes.length).toBe(l.size * values.length)
      expect(Either.getOrThrow(decodeElements(t, bytes, values.length))).toEqual(values)
    }), runs(300))
  })
})
