/**
 * Wireshark's verdict on our wire format: every interop exchange (all pycomm3 and pylogix cases,
 * st-ethernet-ip, ethernet-ip, and our own client in plain, connected and packing use with
 * ListIdentity/ListServices/ListInterfaces) goes through a recording proxy on 127.0.0.6:44818,
 * and the structure (UDT) cases through a second one on 127.0.0.8:44818 (their own simulator);
 * the bytes are written to a pcap and dissected by `tshark`. Any frame Wireshark calls malformed,
 * or flags with an expert item of severity "error", fails the test, named by frame number. On the
 * structure capture, Wireshark's reading of every Template reply (Get Attribute List, Read
 * Template: status and data, per structure instance) and of the Symbol list is checked too.
 * Skipped, with one line saying why, when tshark is absent (.ci/run installs it). Set
 * CPPPO_INTEROP_PCAP=/path/file.pcap to keep the capture (it is kept anyway when the check fails).
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { spawnSync } from "node:child_process"
import { rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { templateDefinition } from "../../src/cip/layout.js"
import { Client } from "../../src/client/client.js"
import { listOverTcp } from "../../src/client/discovery.js"
import { parseOperations } from "../../src/client/operations.js"
import { type Recorder, startRecorder, writePcap } from "./capture.js"
import { PYCOMM3_CASES } from "./pycomm3.cases.js"
import { PYLOGIX_CASES } from "./pylogix.cases.js"
import { pythonSkip, runPython } from "./python.js"
import { PY_TAGS, readWithClient, type Running, startSimulator } from "./simulator.js"
import { UDT_CONFIG, UDT_PYCOMM3_CASES, UDT_PYLOGIX_CASES } from "./udt.cases.js"

const TSHARK = spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0 ? "tshark" : undefined
if (TSHARK === undefined) console.log("skipped: Wireshark check of the interop exchanges: tshark not found (Debian package tshark; .ci/run installs it)")

const require = createRequire(import.meta.url)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const st: any = require("st-ethernet-ip")
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const eip: any = require("ethernet-ip")

const HOST = "127.0.0.6"
const UDT_HOST = "127.0.0.8"
const PCAP = process.env.CPPPO_INTEROP_PCAP ?? join(tmpdir(), `cpppo-interop-${process.pid}.pcap`)

let sim: Running
let recorder: Recorder
let udtSim: Running
let udtRecorder: Recorder

describe.skipIf(TSHARK === undefined)("Wireshark (tshark) on a capture of the interop exchanges", () => {
  beforeAll(async () => {
    sim = await startSimulator({ host: "127.0.0.1", port: 0, tags: PY_TAGS, udp: false })
    recorder = await startRecorder(HOST, 44818, { host: "127.0.0.1", port: sim.port })
    udtSim = await startSimulator({ host: "127.0.0.1", port: 0, udp: false, ...UDT_CONFIG })
    udtRecorder = await startRecorder(UDT_HOST, 44818, { host: "127.0.0.1", port: udtSim.port })
  })
  afterAll(async () => {
    await recorder?.close()
    await udtRecorder?.close()
    await sim?.stop()
    await udtSim?.stop()
  })

  const python = (code: string) => runPython(code, HOST, 44818)
  const ctx = () => ({ host: HOST, port: 44818, store: sim.store, python, readBack: (ops: ReadonlyArray<string>) => readWithClient(HOST, 44818, ops) })

  it.skipIf(pythonSkip !== undefined)("pycomm3 and pylogix: every case, through the recording proxy", async () => {
    for (const c of [...PYCOMM3_CASES, ...PYLOGIX_CASES]) await c.check(await python(c.code), ctx())
  }, 240_000)

  it.skipIf(pythonSkip !== undefined)("pycomm3 and pylogix on structures: every case, through the second recording proxy", async () => {
    const udtCtx = { host: UDT_HOST, port: 44818, store: udtSim.store, python: (code: string) => runPython(code, UDT_HOST, 44818),
      readBack: (ops: ReadonlyArray<string>) => readWithClient(UDT_HOST, 44818, ops) }
    for (const c of [...UDT_PYCOMM3_CASES, ...UDT_PYLOGIX_CASES]) await c.check(await udtCtx.python(c.code), udtCtx)
  }, 240_000)

  it("st-ethernet-ip on structures: templates, a structure array, a whole structure written", async () => {
    const plc = new st.Controller(true)
    await plc.connect(UDT_HOST, 0)
    try {
      expect(Object.keys(plc.templateList).length).toBeGreaterThanOrEqual(6)
      const m = plc.newTag("M", null, false, 1, 10)
      await plc.readTag(m, 10)
      const l = plc.newTag("L")
      await plc.readTag(l)
      l.value.Count = 9
      l.value = l.value
      await plc.writeTag(l)
    } finally {
      await plc.disconnect().catch(() => undefined)
    }
    expect((await Effect.runPromise(udtSim.store.read("L")))[0]).toMatchObject({ Count: 9 })
  })

  it("our client: plain, connected (-c) and packed (-m); ListIdentity, ListServices, ListInterfaces over TCP", async () => {
    const ops = Either.getOrThrow(parseOperations(["SCADA[0-9]=1,2,3,4,5,6,7,8,9,10", "SCADA[0-9]", "STR=(STRING)wire", "STR", "SS=(SSTRING)odd", "Nope", "@1/1", "@0xF5/1/5"]))
    for (const options of [{ connected: false, multiple: false }, { connected: true, multiple: false }, { connected: true, multiple: true }]) {
      await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
        const client = yield* Client.connect({ host: HOST, port: 44818, connected: options.connected })
        const done = yield* client.processAll(ops, { multiple: options.multiple, depth: 4 })
        expect(done.transactions.map((t) => t.ok)).toEqual([true, true, true, true, true, false, true, true])
        for (const command of ["ListIdentity", "ListServices", "ListInterfaces"] as const) {
          const r = yield* listOverTcp(client.session, command, HOST)
          expect(r.items.length).toBe(command === "ListInterfaces" ? 0 : 1)
        }
      })))
    }
  })

  it("st-ethernet-ip: connect (identity, tag list, templates), read and write, STRING, tag group, unconnected", async () => {
    for (const connected of [true, false]) {
      const plc = new st.Controller(connected)
      await plc.connect(HOST, 0)
      try {
        const d = plc.newTag("D")
        await plc.readTag(d)
        d.value = connected ? 1234 : 4321
        await plc.writeTag(d)
        const text = plc.newTag("STR")
        await plc.readTag(text)
        text.value = "via st-ethernet-ip"
        await plc.writeTag(text)
        const group = new st.TagGroup()
        for (const name of ["SCADA[3]", "R", "I"]) group.add(plc.newTag(name))
        await plc.readTagGroup(group)
        await expect(plc.readTag(plc.newTag("NOSUCHTAG"))).rejects.toMatchObject({ generalStatusCode: 0x05 })
      } finally {
        await plc.disconnect().catch(() => undefined)
      }
      expect(await readWithClient(HOST, 44818, ["D", "STR"])).toEqual([[connected ? 1234 : 4321], ["via st-ethernet-ip"]])
    }
  })

  it("ethernet-ip: connect (identity), read and write, a bit by Read-Modify-Write, a tag group", async () => {
    const plc = new eip.Controller()
    await plc.connect(HOST, 0)
    try {
      const Types = eip.EthernetIP.CIP.DataTypes.Types
      await plc.writeTag(new eip.Tag("I", null, Types.INT), -777)
      const bit = new eip.Tag("BITS", null, Types.DINT)
      await plc.readTag(bit)
      const group = new eip.TagGroup()
      group.add(new eip.Tag("S")); group.add(new eip.Tag("R"))
      await plc.readTagGroup(group)
    } finally {
      plc.destroy()
    }
    expect(await readWithClient(HOST, 44818, ["I"])).toEqual([[-777]])
  })

  it("tshark finds no malformed frame and no expert error in the capture", () => {
    const packets = writePcap(PCAP, [...recorder.flows, ...udtRecorder.flows])
    expect(packets).toBeGreaterThan(100)
    const tshark = (...args: Array<string>) => {
      const r = spawnSync(TSHARK!, ["-n", "-r", PCAP, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })
      if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`)
      return r.stdout.split("\n").filter((l) => l.trim() !== "")
    }
    // The capture really is EtherNet/IP and CIP to Wireshark: otherwise a clean verdict means nothing.
    const enip = tshark("-Y", "enip", "-T", "fields", "-e", "enip.command")
    const commands = new Set(enip.flatMap((l) => l.split(",")))
    for (const c of ["0x0065", "0x006f", "0x0070", "0x0063", "0x0004", "0x0064", "0x0066"]) expect([...commands]).toContain(c)
    expect(tshark("-Y", "cip").length).toBeGreaterThan(200)
    const bad = tshark("-Y", "_ws.malformed || _ws.expert.severity == error", "-T", "fields", "-E", "separator=|",
      "-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info", "-e", "_ws.expert.message")
    expect(bad, `frames Wireshark rejects in ${PCAP}:\n${bad.join("\n")}`).toEqual([])
    if (process.env.CPPPO_INTEROP_PCAP === undefined) rmSync(PCAP, { force: true }) // kept when it failed, to look at
  })

  it("tshark dissects the structure replies: Template attributes and Read Template per structure, byte for byte; the Symbol list", () => {
    const file = `${PCAP}.udt.pcap`
    writePcap(file, udtRecorder.flows)
    const fields = (filter: string, ...names: Array<string>) => {
      const r = spawnSync(TSHARK!, ["-n", "-r", file, "-Y", filter, "-T", "fields", "-E", "separator=|", ...names.flatMap((f) => ["-e", f])], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
      if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`)
      // a field repeated in a frame (the Unconnected Send's and the embedded request's) comes comma-separated: the last is the embedded one
      return r.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => l.split("|").map((f) => f.split(",").pop()!))
    }
    // Replies (cip.rr == 1) on the Template object, as Wireshark reads their CIP header and request path.
    const attributes = fields("cip.class == 0x6c && cip.rr == 1 && cip.sc == 0x03", "cip.instance", "cip.genstat")
    const reads = fields("cip.class == 0x6c && cip.rr == 1 && cip.sc == 0x4c", "cip.instance", "cip.genstat", "cip.data")
    for (const layout of udtSim.store.types.layouts) {
      const instance = `0x${layout.instance.toString(16).padStart(4, "0")}`
      expect(attributes.filter(([i, st]) => i === instance && st === "0x00").length, `Get Attribute List of ${layout.name}`).toBeGreaterThan(0)
      const mine = reads.filter(([i]) => i === instance)
      expect(mine.length, `Read Template of ${layout.name}`).toBeGreaterThan(0)
      // Every reply's data is the definition's bytes from some offset; a complete (0x00) one
      // reaches what clients ask for: attribute 4's words × 4 − 23 bytes (pylogix; pycomm3 − 21).
      const { bytes, words } = templateDefinition(layout)
      const definition = Buffer.from(bytes).toString("hex")
      const content = words * 4 - 23
      for (const [, status, data] of mine) {
        expect(["0x00", "0x06"], `Read Template status of ${layout.name}`).toContain(status)
        const at = definition.indexOf(data!)
        expect(data!.length > 0 && at % 2 === 0, `Read Template data of ${layout.name}`).toBe(true)
        if (status === "0x00") expect((at + data!.length) / 2, `last fragment of ${layout.name}`).toBeGreaterThanOrEqual(content)
      }
    }
    // pycomm3 and pylogix list the tags with Get Instance Attribute List on the Symbol object.
    const symbols = fields("cip.class == 0x6b && cip.rr == 1 && cip.sc == 0x55", "cip.genstat")
    expect(symbols.length).toBeGreaterThan(0)
    expect(symbols.every(([st]) => st === "0x00" || st === "0x06")).toBe(true)
    if (process.env.CPPPO_INTEROP_PCAP === undefined) rmSync(file, { force: true })
  })
})
