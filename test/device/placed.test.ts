/**
 * Tags placed at CIP attributes (`Tag@cls/ins/att`) through the attribute services: Get Attributes
 * All of an instance (its tags in attribute order, only that class and instance), size checks of
 * Set Attribute Single, forced errors, and asynchronous Attributes (replies arrive as Effects, an
 * AttributeError becomes its CIP status).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { Controller, type ControllerService } from "../../src/device/controller.js"
import { type Attribute, AttributeError, AttributeFactory } from "../../src/tags/attribute.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { att, bytes, cls, fixture, ins } from "./helpers.js"

const i16 = (n: number) => [n & 0xff, (n >> 8) & 0xff]

describe("placed tags: Get Attributes All and Set Attribute Single", () => {
  it("Get Attributes All of an instance: its tags in attribute order, no other class's or instance's", () => {
    const f = fixture(["A@0x93/3/12=INT", "B@0x93/3/10=INT", "C@0x93/4/10=INT", "E@0x94/3/11=INT", "G@0x93/3/11=INT[2]"])
    for (const [name, v] of [["A", 1], ["B", 2], ["C", 3], ["E", 4]] as const) Effect.runSync(f.store.write(name, 0, [v]))
    Effect.runSync(f.store.write("G", 0, [5, 6]))
    expect(f.sync({ _tag: "GetAttributesAll", path: [cls(0x93), ins(3)] }))
      .toEqual({ _tag: "GetAttributesAll", service: 0x81, status: 0, extStatus: [], data: Uint8Array.from([...i16(2), ...i16(5), ...i16(6), ...i16(1)]) })
    expect(bytes(f.sync({ _tag: "GetAttributesAll", path: [cls(0x93), ins(4)] }))).toEqual(i16(3))
    expect(f.sync({ _tag: "GetAttributesAll", path: [cls(0x93), ins(5)] })).toMatchObject({ _tag: "Error", status: 0x05, extStatus: [0] })
    expect(f.sync({ _tag: "GetAttributesAll", path: [cls(0x93)] })).toMatchObject({ _tag: "Error", status: 0x05, extStatus: [0] })
  })

  it("a forced error on one of the instance's tags is the answer to Get Attributes All", () => {
    const f = fixture(["A@0x93/3/12=INT", "B@0x93/3/10=INT"])
    Effect.runSync(f.store.setError("A", { status: 0x08 }))
    expect(f.sync({ _tag: "GetAttributesAll", path: [cls(0x93), ins(3)] })).toMatchObject({ _tag: "Error", service: 0x81, status: 0x08 })
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x93), ins(3), att(12)] })).toMatchObject({ _tag: "Error", service: 0x8e, status: 0x08, extStatus: [] })
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x93), ins(3), att(10)] }))).toEqual([0, 0])
  })

  it("Set Attribute Single of an array tag takes exactly its bytes; unknown placements and own objects are refused", () => {
    const f = fixture(["G@0x93/3/11=INT[3]"])
    const set = (path: CipRequest["path"], data: ReadonlyArray<number>) => f.sync({ _tag: "SetAttributeSingle", path, data: Uint8Array.from(data) })
    expect(set([cls(0x93), ins(3), att(11)], [1, 0, 2, 0])).toMatchObject({ status: 0x13 })
    expect(set([cls(0x93), ins(3), att(11)], [1, 0, 2, 0, 3, 0, 4, 0])).toMatchObject({ status: 0x15 })
    expect(set([cls(0x93), ins(3), att(11)], [1, 0, 2, 0, 3, 0])).toEqual({ _tag: "SetAttributeSingle", service: 0x90, status: 0, extStatus: [] })
    expect(Effect.runSync(f.store.read("G"))).toEqual([1, 2, 3])
    expect(set([cls(0x93), ins(3), att(12)], [0, 0])).toEqual({ _tag: "Error", service: 0x90, status: 0x05, extStatus: [0], data: new Uint8Array(0) })
    // the controller's own objects: known attributes are not settable, others not supported
    expect(set([cls(1), ins(1), att(1)], [1, 0])).toMatchObject({ status: 0x0e })
    expect(set([cls(1), ins(1), att(99)], [1, 0])).toMatchObject({ status: 0x14 })
    expect(set([cls(1), ins(9), att(1)], [1, 0])).toMatchObject({ status: 0x14 })
    expect(set([cls(0x6c), ins(0x0fce), att(1)], [1, 0])).toMatchObject({ status: 0x14 })
    expect(set([cls(0x6b), ins(1), att(1)], [1, 0])).toMatchObject({ status: 0x14 })
    expect(Effect.runSync(f.store.read("G"))).toEqual([1, 2, 3])
  })

  it("Get Attribute List: status 0 when every attribute answered, 0x0A when any did not", () => {
    const f = fixture([])
    expect(f.sync({ _tag: "GetAttributeList", path: [cls(1), ins(1)], attributes: [1, 2] })).toEqual({
      _tag: "GetAttributeList", service: 0x83, status: 0, extStatus: [],
      attributes: [{ id: 1, status: 0, data: Uint8Array.of(1, 0) }, { id: 2, status: 0, data: Uint8Array.of(14, 0) }]
    })
    expect(f.sync({ _tag: "GetAttributeList", path: [cls(1), ins(1)], attributes: [99] })).toMatchObject({ status: 0x0a, extStatus: [] })
    expect(f.sync({ _tag: "GetAttributeList", path: [cls(1), ins(1)], attributes: [] })).toMatchObject({ status: 0 })
  })
})

describe("placed tags backed by asynchronous Attributes", () => {
  /** Values 100, 101, … that arrive after a yield; writes kept, or refused with 0x0F for "RO". */
  const slow = (name: string, store: Map<string, Array<number>>): Attribute => ({
    type: "INT", count: 1,
    read: (start, n) => Effect.yieldNow().pipe(Effect.as(store.get(name)!.slice(start, start + n))),
    write: (start, values) => name === "RO"
      ? Effect.fail(new AttributeError({ status: 0x0f, extStatus: [0x1234], message: "read only" }))
      : Effect.sync(() => { store.get(name)!.splice(start, values.length, ...(values as Array<number>)) })
  })
  const setup = () => Effect.gen(function* () {
    const values = new Map([["S", [100]], ["RO", [200]]])
    const ctl: ControllerService = yield* Controller.pipe(
      Effect.provide(Controller.layer()),
      Effect.provide(TagStore.layer(["S@0x93/3/10=INT", "F@0x93/3/11=INT", "RO@0x93/3/12=INT"])),
      Effect.provide(AttributeFactory.layer((s) => (s.name === "S" || s.name === "RO" ? slow(s.name, values) : undefined)))
    )
    const ask = (req: CipRequest) => {
      const r = ctl.handle(req, { session: 1, maxReply: 504 })
      expect(Effect.isEffect(r), req._tag).toBe(true)
      return r as Effect.Effect<CipReply>
    }
    return { ctl, ask, values }
  })

  it.effect("Get Attributes All, Get Attribute List and Single mix synchronous and asynchronous tags in order", () => Effect.gen(function* () {
    const { ask } = yield* setup()
    expect(bytes(yield* ask({ _tag: "GetAttributesAll", path: [cls(0x93), ins(3)] }))).toEqual([...i16(100), ...i16(0), ...i16(200)])
    const list = yield* ask({ _tag: "GetAttributeList", path: [cls(0x93), ins(3)], attributes: [11, 10, 13] })
    expect(list).toEqual({
      _tag: "GetAttributeList", service: 0x83, status: 0x0a, extStatus: [],
      attributes: [{ id: 11, status: 0, data: Uint8Array.of(0, 0) }, { id: 10, status: 0, data: Uint8Array.of(100, 0) }, { id: 13, status: 0x05 }]
    })
    expect(bytes(yield* ask({ _tag: "GetAttributeSingle", path: [cls(0x93), ins(3), att(12)] }))).toEqual(i16(200))
  }))

  it.effect("Set Attribute Single: written when the Attribute takes it; its AttributeError's status when it refuses", () => Effect.gen(function* () {
    const { ask, values } = yield* setup()
    expect(yield* ask({ _tag: "SetAttributeSingle", path: [cls(0x93), ins(3), att(10)], data: Uint8Array.of(7, 1) }))
      .toEqual({ _tag: "SetAttributeSingle", service: 0x90, status: 0, extStatus: [] })
    expect(values.get("S")).toEqual([0x107])
    expect(yield* ask({ _tag: "SetAttributeSingle", path: [cls(0x93), ins(3), att(12)], data: Uint8Array.of(1, 0) }))
      .toMatchObject({ _tag: "Error", service: 0x90, status: 0x0f, extStatus: [0x1234] })
    expect(values.get("RO")).toEqual([200])
  }))
})
