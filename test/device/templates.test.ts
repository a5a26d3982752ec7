/**
 * The Template object (0x6C) for user structures: attributes 1-5 from the layout, Read Template of
 * the definition (cut by the request, by the reply size, refused past the end), and the paths and
 * instances it refuses.
 */
import { describe, expect, it } from "@effect/vitest"
import { templateDefinition } from "../../src/cip/layout.js"
import type { CipReply } from "../../src/cip/model.js"
import { att, bytes, cls, el, fixture, ins } from "./helpers.js"

const make = () => fixture(["M=Motor"], {}, ["Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}"])
const u16 = (n: number) => [n & 0xff, n >> 8]
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]
const attrs = (r: CipReply) => {
  if (r._tag !== "GetAttributeList") throw new Error(`${r._tag} ${r.status}`)
  return r.attributes.map((a) => [a.id, a.status, a.data ? Array.from(a.data) : undefined])
}

describe("Template object for a user structure", () => {
  it("Get Attribute List: handle, member count, 0, definition words, structure size; 0x14 for others", () => {
    const f = make()
    const motor = f.store.types.byName("Motor")!
    const def = templateDefinition(motor)
    expect(motor.instance).toBeGreaterThanOrEqual(0x100)
    const r = f.sync({ _tag: "GetAttributeList", path: [cls(0x6c), ins(motor.instance)], attributes: [1, 2, 3, 4, 5, 6, 0] })
    expect(r).toMatchObject({ service: 0x83, status: 0 })
    expect(attrs(r)).toEqual([
      [1, 0, u16(motor.handle)], [2, 0, u16(5)], [3, 0, [0, 0]], [4, 0, u32(def.words)], [5, 0, u32(motor.size)],
      [6, 0x14, undefined], [0, 0x14, undefined]
    ])
    expect(motor.size).toBe(4 + 4 + 16 + 88)
    // the same attributes by Get Attribute Single
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6c), ins(motor.instance), att(5)] }))).toEqual(u32(motor.size))
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6c), ins(motor.instance), att(7)] })).toMatchObject({ status: 0x16 })
  })

  it("an instance that is no template: 0x16 (Get Attribute List), 0x05 (Read Template)", () => {
    const f = make()
    expect(f.sync({ _tag: "GetAttributeList", path: [cls(0x6c), ins(0x0fff)], attributes: [1] })).toMatchObject({ _tag: "Error", service: 0x83, status: 0x16 })
    expect(f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x0fff)], offset: 0, bytes: 10 })).toMatchObject({ _tag: "Error", status: 0x05, extStatus: [0] })
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6c), ins(0x0fff), att(1)] })).toMatchObject({ _tag: "Error", status: 0x16 })
  })

  it("Read Template gives the definition from the offset, as many bytes as asked and as fit", () => {
    const f = make()
    const motor = f.store.types.byName("Motor")!
    const def = Array.from(templateDefinition(motor).bytes)
    const rt = (offset: number, n: number, maxReply = 504) => f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(motor.instance)], offset, bytes: n }, maxReply)
    expect(rt(0, 1000)).toMatchObject({ _tag: "ReadTemplate", service: 0xcc, status: 0 })
    expect(bytes(rt(0, 1000))).toEqual(def)
    expect(bytes(rt(0, 8))).toEqual(def.slice(0, 8))
    expect(rt(0, 8)).toMatchObject({ status: 0 })
    expect(bytes(rt(5, 3))).toEqual(def.slice(5, 8))
    expect(bytes(rt(def.length - 1, 10))).toEqual(def.slice(-1))
    // cut by the reply size: 0x06 and what fits (reply header 4)
    expect(rt(2, 100, 4 + 7)).toMatchObject({ status: 0x06 })
    expect(bytes(rt(2, 100, 4 + 7))).toEqual(def.slice(2, 9))
    expect(rt(2, 7, 4 + 7)).toMatchObject({ status: 0 })
    expect(rt(0, 10, 3)).toMatchObject({ status: 0x06, data: new Uint8Array(0) })
    expect(rt(def.length, 1)).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    // the rest from an offset, when it just fits: all of it, status 0
    expect(rt(10, 1000, 4 + def.length - 10)).toEqual({ _tag: "ReadTemplate", service: 0xcc, status: 0, extStatus: [], data: Uint8Array.from(def.slice(10)) })
  })

  it("Read Template needs exactly class/instance", () => {
    const f = make()
    const i = f.store.types.byName("Motor")!.instance
    for (const path of [[], [cls(0x6c)], [cls(0x6c), ins(i), att(1)], [cls(0x6c), el(i)], [ins(i), ins(i)]]) {
      expect(f.sync({ _tag: "ReadTemplate", path, offset: 0, bytes: 10 }), JSON.stringify(path)).toMatchObject({ _tag: "Error", status: 0x04 })
    }
  })
})
