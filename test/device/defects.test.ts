/**
 * ControllerConfig.onDefect: an unexpected exception inside the controller is answered with a
 * general error (0xFF) reply (the server keeps serving) and reported to onDefect, so a bug does not
 * hide behind an ordinary-looking CIP status.
 */
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { makeController } from "../../src/device/controller.js"
import { AttributeFactory, memoryAttribute } from "../../src/tags/attribute.js"
import { makeTagStore } from "../../src/tags/tagStore.js"

const read = (name: string): CipRequest => ({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name }], elements: 1 })

describe("controller defects", () => {
  it("an Attribute that throws: the request gets general error 0xFF, onDefect gets the exception and the request; other tags still answer", async () => {
    const broken = memoryAttribute("INT", 1)
    const factory = AttributeFactory.layer((spec) => spec.name === "BAD"
      ? { ...broken, sync: { ...broken.sync!, unsafeReadBytes: () => { throw new Error("storage on fire") } } }
      : undefined)
    const store = await Effect.runPromise(makeTagStore(["BAD=INT", "GOOD=INT"]).pipe(Effect.provide(Layer.mergeAll(factory))))
    const seen: Array<{ message: string; tag: string }> = []
    const ctl = makeController(store, { onDefect: (d, q) => { seen.push({ message: (d as Error).message, tag: q._tag }) } })
    const bad = ctl.handle(read("BAD"), { session: 1, maxReply: 504 }) as CipReply
    expect(bad).toMatchObject({ status: 0xff })
    expect(seen).toEqual([{ message: "storage on fire", tag: "ReadTag" }])
    const good = ctl.handle(read("GOOD"), { session: 1, maxReply: 504 }) as CipReply
    expect(good.status).toBe(0)
    expect(seen).toHaveLength(1)
  })
})
