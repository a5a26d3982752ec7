/** Controller hot path: ns per decoded request handled, and the full decode → handle → encode path. Bounded: ~1.5 s. */
import { Effect, Either } from "effect"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { makeController } from "../../src/device/controller.js"
import { decodeRequest, encodeRequest } from "../../src/cip/request.js"
import { encodeReply } from "../../src/cip/reply.js"
import type { CipRequest } from "../../src/cip/model.js"

const store = Effect.runSync(makeTagStore(["SCADA=INT[1000]", ...Array.from({ length: 1000 }, (_, i) => `T${i}=DINT[10]`)]))
const ctl = makeController(store)
const ctx = { session: 1, maxReply: 504 }
const read: CipRequest = { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "SCADA" }, { _tag: "Element", index: 10 }], elements: 4 }
const write: CipRequest = { _tag: "WriteTag", path: [{ _tag: "Symbolic", name: "SCADA" }, { _tag: "Element", index: 10 }], type: { code: 0xc3 }, elements: 2, data: new Uint8Array(4) }
const bytes = encodeRequest({ _tag: "UnconnectedSend", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], priorityTimeTick: 5, timeoutTicks: 157, request: read, routePath: [{ _tag: "Port", port: 1, link: 0 }] })
const time = (name: string, n: number, f: () => unknown) => {
  for (let i = 0; i < 20000; i++) f()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) f()
  const ns = Number(process.hrtime.bigint() - t0) / n
  console.log(`${name.padEnd(50)} ${ns.toFixed(0).padStart(6)} ns/op`)
  return ns
}
const N = 500000
const base = time("baseline: Uint8Array(12).slice", N, () => new Uint8Array(12).slice(0, 8))
const h = time("handle ReadTag SCADA[10] x4 (decoded)", N, () => ctl.handle(read, ctx))
time("handle WriteTag SCADA[10] x2 (decoded)", N, () => ctl.handle(write, ctx))
const full = time("decode US+ReadTag → handle → encodeReply", N, () => {
  const r = decodeRequest(bytes)
  if (Either.isRight(r)) encodeReply(ctl.handle(r.right, ctx) as never)
})
console.log(`ratio handle/baseline ${(h / base).toFixed(1)}; full path ${(full / 1000).toFixed(2)} µs`)
const decoded = decodeRequest(bytes)
if (Either.isRight(decoded)) {
  const req = decoded.right
  time("  of which: decodeRequest (codec)", N, () => decodeRequest(bytes))
  const rep = ctl.handle(req, ctx)
  time("  of which: handle (device)", N, () => ctl.handle(req, ctx))
  time("  of which: encodeReply (codec)", N, () => encodeReply(rep as never))
}
