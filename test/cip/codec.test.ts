import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import { CipCodec, CipCodecLive, cipCodec } from "../../src/cip/codec.js"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { CipReplySchema, CipRequestSchema, EnipFrameSchema } from "../../src/cip/schemas.js"
import { decodeFrame } from "../../src/enip/frame.js"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import { exchange } from "./arbitraries.js"
import { hexToBytes, loadVectors } from "./vectors.js"

describe("CipCodec service", () => {
  it.effect("provides the codec functions through its Layer", () =>
    Effect.gen(function* () {
      const codec = yield* CipCodec
      const req = Either.getOrThrow(codec.decodeRequest(hexToBytes("4c0491055343414441000100")))
      expect(req).toEqual({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "SCADA" }], elements: 1 })
      expect(codec.formatEPath(req.path)).toBe("SCADA")
    }).pipe(Effect.provide(CipCodecLive)))

  it("is the service keyed \"cpppo/CipCodec\" and provides the codec record itself", () => {
    // Effect finds a service by its key, so the key is the service's identity across bundles.
    expect(CipCodec.key).toBe("cpppo/CipCodec")
    const codec = Effect.runSync(CipCodec.pipe(Effect.provide(CipCodecLive)))
    expect(codec).toBe(cipCodec)
    expect(Object.keys(cipCodec)).toHaveLength(24)
  })
})

describe("schemas", () => {
  it("requests and replies survive JSON via their schemas", () => {
    fc.assert(fc.property(exchange, ([req, rep]) => {
      const reqJson = JSON.parse(JSON.stringify(Schema.encodeSync(CipRequestSchema)(req)))
      expect(Schema.decodeUnknownSync(CipRequestSchema)(reqJson)).toEqual<CipRequest>(req)
      const repJson = JSON.parse(JSON.stringify(Schema.encodeSync(CipReplySchema)(rep)))
      expect(Schema.decodeUnknownSync(CipReplySchema)(repJson)).toEqual<CipReply>(rep)
    }), runs(300))
  })
  it("every vector frame survives JSON via EnipFrameSchema", () => {
    let n = 0
    for (const v of loadVectors()) {
      for (const hex of [v.layer === "enip_frame" ? v.hex : undefined, v.request_hex, v.reply_hex]) {
        if (!hex || (v.layer !== "enip_frame" && v.layer !== "enip_exchange")) continue
        const f = Either.getOrThrow(decodeFrame(hexToBytes(hex)))
        const json = JSON.parse(JSON.stringify(Schema.encodeSync(EnipFrameSchema)(f)))
        expect(Schema.decodeUnknownSync(EnipFrameSchema)(json)).toEqual(f)
        n++
      }
    }
    expect(n).toBe(150)
  })
})
