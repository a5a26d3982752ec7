/**
 * Seed inputs of each coverage-guided target, from the cpppo wire vectors (enip frames and
 * exchanges, CIP services, route paths), the structure-aware fuzzer's valid requests of every
 * service, the controller's own replies to them, and the examples the unit tests use. The kept
 * corpus (test/fuzz/corpus/) starts from these and is then grown by fuzzing and minimized.
 */
import { Effect, Either } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { parse as parseYaml } from "yaml"
import { encodeReply } from "../../../src/cip/reply.js"
import { decodeRequest, encodeRequest } from "../../../src/cip/request.js"
import { makeController } from "../../../src/device/controller.js"
import { decodeFrame, encodeFrame } from "../../../src/enip/frame.js"
import { makeTagStore } from "../../../src/tags/tagStore.js"
import { loadWireVectors } from "../../../test/fixtures/fixtures.js"
import { FUZZ_TAGS, seedRequests, seeds } from "../seeds.js"

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"))
const cat = (...parts: ReadonlyArray<Uint8Array | ReadonlyArray<number>>): Uint8Array => Buffer.concat(parts.map((p) => Uint8Array.from(p)))
const text = (...lines: ReadonlyArray<string>): Array<Uint8Array> => lines.map((l) => Uint8Array.from(Buffer.from(l, "utf8")))
const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff]

const vectorHex = (layer: string, field = "hex"): Array<Uint8Array> =>
  loadWireVectors().filter((v) => v.layer === layer && typeof v[field] === "string").map((v) => bytes(v[field] as string))

/** The controller's replies to the seed requests, each in a SendRRData reply frame whose sender context picks it. */
const replyFrames = (): Array<Uint8Array> => {
  const store = Effect.runSync(makeTagStore(FUZZ_TAGS))
  const ctl = makeController(store, { now: () => 0 })
  return seedRequests().map((q, i) => {
    const r = ctl.handle(q, { session: 1, maxReply: 4000 })
    const reply = Effect.isEffect(r) ? Effect.runSync(r) : r
    const context = Uint8Array.of(i, 0, 0, 0, 0, 0, 0, 0)
    return encodeFrame({
      header: { sessionHandle: 1, status: 0, senderContext: context, options: 0 },
      body: { _tag: "SendRRData", interfaceHandle: 0, timeout: 0, items: [{ _tag: "NullAddress" }, { _tag: "UnconnectedData", data: encodeReply(reply) }] }
    })
  })
}

/**
 * Hex captures quoted in the tests (frames and CIP requests that clients such as pycomm3,
 * libplctag and st-ethernet-ip sent, and replies the tests expect): whatever decodes as a frame,
 * or as a request.
 */
const testCaptures = (): { frames: Array<Uint8Array>; requests: Array<Uint8Array> } => {
  const root = new URL("../../../test/", import.meta.url).pathname
  const files: Array<string> = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== "corpus") walk(join(dir, e.name))
      else if (e.name.endsWith(".ts")) files.push(join(dir, e.name))
    }
  }
  walk(root)
  const frames: Array<Uint8Array> = []
  const requests: Array<Uint8Array> = []
  for (const f of files) {
    for (const m of readFileSync(f, "utf8").matchAll(/["'`]((?:[0-9a-f]{2} ?){4,})["'`]/gi)) {
      const b = bytes(m[1]!.replace(/ /g, ""))
      if (Either.isRight(decodeFrame(b))) frames.push(b)
      else if (Either.isRight(decodeRequest(b))) requests.push(b)
    }
  }
  return { frames, requests }
}

const HISTORY = [
  "# cpppo history",
  `2014-07-16 04:03:44.186\t["SCADA", [0, 3]]\t{"write": [0, 1, 2, 3]}`,
  `2014-07-16 04:03:45.000\t"TEXT"\t"hello"`,
  "2014-07-15T22:03:44.186123-06:00\t1\t2",
  "2014-07-16 04:03:44.186\t[1,\t2",
  "2014-13-16 04:03:44.186\t1\t2",
  "",
  `2024-02-29 23:59:59.999\t{"a": [1.5, null, true]}\t[-1e+300, 0.1]`
]

const WEB = [
  "/api", "/api/tags", "/api/tags/SCADA/", "/api/tags/SCADA/error=8", "/api/tags/SCADA/attribute[3]=4",
  "/api/tags/SCADA/attribute%5B3%5D", "/api/options/delay/range=0.5-1.5", "/api/tags.json",
  "/api/connections/*/eof/true.json", "/api/tags/S?A[!x]*/attribute[0-9]=[1, 2, 0x3]", "/api/tags/TEXT/attribute=hi there",
  "/api/tags/*/attribute=-inf", "/api/tags/*/attribute=1e3"
]

/**
 * The example fleet files (examples/fleet/) and the fleet files of the Kubernetes ConfigMaps
 * (deploy/kubernetes/), each as its format's byte (0 YAML, 1 JSON) and the text; and the YAML
 * ones as JSON too.
 */
const fleetFiles = (): Array<Uint8Array> => {
  const root = new URL("../../../", import.meta.url).pathname
  const out: Array<Uint8Array> = []
  const add = (text: string, json: boolean) => out.push(cat([json ? 1 : 0], Buffer.from(text, "utf8")))
  for (const f of readdirSync(join(root, "examples", "fleet"))) {
    const text = readFileSync(join(root, "examples", "fleet", f), "utf8")
    add(text, f.endsWith(".json"))
    if (!f.endsWith(".json")) add(JSON.stringify(parseYaml(text)), true)
  }
  for (const f of ["deploy/kubernetes/configmap.yaml", "deploy/kubernetes/plant-network/configmap.yaml"]) {
    const map = parseYaml(readFileSync(join(root, f), "utf8")) as { data: Record<string, string> }
    for (const text of Object.values(map.data)) add(text, false)
  }
  // A few mistakes the error messages are written for.
  add("controllers:\n  - name: a\n    identity: { vendor: lots }\n", false)
  add("defaults: { tags: [X=INT] }\ncontrollers: [{ name: p{n}, count: 3, address: '127.0.0.{n}:{44817+n}' }, { name: P2 }]\n", false)
  add('{"controllers": [{"name": "a", "address": ":0", "delay": "0.5-0.1", "routePath": "1/0/2/10.0.0.1"}]}', true)
  return out
}

/** Seed inputs for target `name`. */
export const seedInputs = (name: string): Array<Uint8Array> => {
  const { cip, frames, requests } = seeds(1)
  switch (name) {
    case "enip-framer":
      return [cat([3, 7], ...frames.slice(0, 6)), cat([2, 1], ...frames.slice(6, 10)), cat([0, 9], frames[0]!), cat([4, 3], ...vectorHex("enip_frame").slice(0, 8))]
    case "enip-frame":
      return [...frames, ...testCaptures().frames, ...vectorHex("enip_frame"), ...vectorHex("enip_exchange", "request_hex"), ...vectorHex("enip_exchange", "reply_hex")]
    case "cip-request":
      return [...cip, ...vectorHex("cip_service"), ...testCaptures().requests]
    case "controller": {
      const record = (flags: number, b: Uint8Array) => cat([flags], u16(b.length), b)
      const enc = requests.map(encodeRequest)
      return [
        ...testCaptures().requests.map((b, i) => record(i & 7, b)),
        ...enc.map((b, i) => record(i & 7, b)),
        cat(...enc.map((b, i) => record(i & 3, b))),
        // Forward Opens from one session until its limit, then the session ends.
        cat(...Array.from({ length: 8 }, (_, i) => record(i === 7 ? 8 : 0, enc[17]!))),
        cat(record(0, enc[1]!), record(4, enc[0]!), record(1, enc[14]!), record(9, enc[18]!))
      ]
    }
    case "client-reply":
      return [...replyFrames(), ...vectorHex("enip_exchange", "reply_hex")]
    case "history-record":
      return [...text(...HISTORY), Uint8Array.from(Buffer.from(HISTORY.join("\n")))]
    case "history-reader": {
      const file = Buffer.from(`${HISTORY.slice(0, 3).join("\n")}\n${HISTORY.slice(6).join("\n")}\n`)
      return [cat([0], file), cat([1], gzipSync(file)), cat([1], gzipSync(file).subarray(0, 40)), cat([0], Buffer.from(HISTORY[4]!))]
    }
    case "web-api":
      return WEB.flatMap((p, i) => [cat([i], Buffer.from(p)), cat([i + 7], Buffer.from(p))])
    case "tag-spec":
      return [...text(...FUZZ_TAGS), Uint8Array.from(Buffer.from(FUZZ_TAGS.join("\n"))), ...text("X@0x93/3/10=REAL[4]", "A=SSTRING[0b11]\nA=INT", "Program:P.y=LINT[0o17]")]
    case "route-path":
      return [...text("1/0", "1/0/2/10.0.0.1", '[{"port":1,"link":0}]', '{"port":2,"link":"plc.local"}', "none", "1,0", '[{"class":2},{"instance":1},{"symbolic":"A"},{"element":7}]')]
    case "modbus-codec": {
      const pdus = [
        "0100000010", "0200030009", "030000000a", "0400070002", "050001ff00", "0600021234", "0f0000000301" + "05",
        "1000040003060001000200 03".replace(/ /g, ""), "160000f0f00101", "1700000003000500010200 09".replace(/ /g, ""), "2b0e0100",
        "0102cdab", "03040001000200", "8302"
      ].map(bytes)
      const adu = (pdu: Uint8Array, i: number) => cat([0, i, 0, 0, 0, pdu.length + 1, i], pdu)
      return [cat([7], ...pdus.map(adu)), ...pdus.map((p, i) => cat([i * 17 + 1], adu(p, i)))]
    }
    case "fleet-config":
      return fleetFiles()
    default:
      return []
  }
}
