import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { readFileSync } from "node:fs"
import fc from "fast-check"
import { DEFAULT_IDENTITY } from "../../src/device/identity.js"
import { type ControllerSpec, type EnipControllerSpec, expandTemplate, parseFleetConfig } from "../../src/server/fleetConfig.js"
import { numRuns } from "../numRuns.js"

const any = (text: string, format: "yaml" | "json" = "yaml"): ReadonlyArray<ControllerSpec> => {
  const r = parseFleetConfig(text, format)
  if (Either.isLeft(r)) throw new Error(`unexpected: ${r.left.message}`)
  return r.right
}
/** EtherNet/IP controllers only (the file has no `kind: modbus` entry). */
const ok = (text: string, format: "yaml" | "json" = "yaml"): ReadonlyArray<EnipControllerSpec> =>
  any(text, format).map((c) => {
    if (c.kind !== "enip") throw new Error(`${c.name} is a ${c.kind} device`)
    return c
  })
const bad = (text: string, format: "yaml" | "json" = "yaml") => {
  const r = parseFleetConfig(text, format)
  if (Either.isRight(r)) throw new Error(`accepted: ${JSON.stringify(r.right.map((c) => c.name))}`)
  expect(r.left.message).not.toContain("\n")
  return r.left
}

const PLANT = `
defaults:
  tags: ["SCADA=INT[1000]", "Speed=REAL"]
  identity: { productName: "1756-L71 LINE", vendor: 1 }
  delay: 0
controllers:
  - name: plc{n}
    count: 3
    address: 127.0.1.1
    identity: { serial: "{4000+n}" }
  - name: boiler
    address: 127.0.2.1:44819
    delay: "0.1-0.4"
    routePath: "1/2"
    tags: ["Level=REAL[16]"]
  - name: drive
    address: 127.0.2.2
    simple: true
    udp: false
    idleTimeout: 30
    maxSessions: 4
    size: 600
    identity: { revision: "32.11", productCode: 99 }
`

describe("fleet file", () => {
  it("expands repeated entries over the defaults, in file order", () => {
    const fleet = ok(PLANT)
    expect(fleet.map((c) => `${c.name} ${c.host}:${c.port}`)).toEqual([
      "plc1 127.0.1.1:44818", "plc2 127.0.1.2:44818", "plc3 127.0.1.3:44818", "boiler 127.0.2.1:44819", "drive 127.0.2.2:44818"
    ])
    expect(fleet.slice(0, 3).map((c) => c.identity.serial)).toEqual([4001, 4002, 4003])
    expect(fleet[0]!.identity).toMatchObject({ productName: "1756-L71 LINE", vendor: 1 })
    expect(fleet[0]!.tags).toEqual(["SCADA=INT[1000]", "Speed=REAL"])
    expect(fleet[3]!.tags).toEqual(["Level=REAL[16]"]) // an entry's list replaces the defaults'
    expect(fleet[3]!.delay).toEqual([0.1, 0.4])
    expect(fleet[3]!.routePath).toEqual([{ _tag: "Port", port: 1, link: 2 }])
    expect(fleet[0]!.delay).toBe(0)
    expect(fleet[4]).toMatchObject({ simple: true, udp: false, idleTimeout: 30, maxSessions: 4, maxFrame: 600 })
    expect(fleet[4]!.identity).toMatchObject({ revision: [32, 11], productCode: 99, productName: "1756-L71 LINE" })
    // No serial anywhere: the default serial + the position in the fleet, so each differs.
    expect(fleet[3]!.identity.serial).toBe(DEFAULT_IDENTITY.serial + 4)
    expect(fleet[4]!.identity.serial).toBe(DEFAULT_IDENTITY.serial + 5)
  })

  it("reads the same fleet from JSON", () => {
    const json = JSON.stringify({
      defaults: { tags: ["SCADA=INT[10]"] },
      controllers: [{ name: "plc", count: 2, address: "127.0.1.10:44818", identity: { serial: 100 } }, { name: "x", address: "127.0.1.20", routePath: false }]
    })
    const fleet = ok(json, "json")
    expect(fleet.map((c) => [c.name, c.host, c.port, c.identity.serial])).toEqual([
      ["plc1", "127.0.1.10", 44818, 101], ["plc2", "127.0.1.11", 44818, 102], ["x", "127.0.1.20", 44818, DEFAULT_IDENTITY.serial + 3]
    ])
    expect(fleet[2]!.routePath).toEqual([])
  })

  it("steps the port when the host is a wildcard or a name, and substitutes {n} in the address", () => {
    expect(ok(`controllers: [{ name: "p{n:02}", count: 3, address: ":5000" }]`).map((c) => `${c.name} ${c.host}:${c.port}`))
      .toEqual(["p01 0.0.0.0:5000", "p02 0.0.0.0:5001", "p03 0.0.0.0:5002"])
    expect(ok(`controllers: [{ name: "p{n}", count: 2, address: "localhost:6000" }]`).map((c) => c.port)).toEqual([6000, 6001])
    expect(ok(`controllers: [{ name: "p{n}", count: 3, address: "10.1.{n+9}.5:{44817+n}" }]`).map((c) => `${c.host}:${c.port}`))
      .toEqual(["10.1.10.5:44818", "10.1.11.5:44819", "10.1.12.5:44820"])
    expect(ok(`controllers: [{ name: "p{n}", count: 2, address: "127.0.0.1:0" }]`).map((c) => c.port)).toEqual([0, 0]) // the OS picks
    expect(ok(`controllers: [{ name: "a", address: "[::1]:44818" }, { name: "b", count: 2, address: "[fe80::ffff]" }]`).map((c) => c.host))
      .toEqual(["::1", "fe80::ffff", "fe80::1:0"])
  })

  it("expands placeholders, and refuses unknown ones", () => {
    expect(expandTemplate("plc{n}", 7)).toEqual(Either.right("plc7"))
    expect(expandTemplate("{n:3}-{10+n}-{n-1}", 7)).toEqual(Either.right("007-17-6"))
    expect(Either.isLeft(expandTemplate("{x}", 1))).toBe(true)
    expect(Either.isLeft(expandTemplate("{n-5}", 1))).toBe(true)
  })

  it("builds kind: modbus entries: registers and units, Modbus/TCP's port 502 by default; each kind takes only the defaults that fit it", () => {
    const specs = any(`
defaults:
  tags: ["SCADA=INT[10]"]
  registers: ["40001-40010=0"]
  delay: 0.25
controllers:
  - name: plc
    address: 127.0.0.1
  - name: "pump{n}"
    kind: modbus
    count: 2
    address: 127.0.3.1
    units: [1, 2]
    registers: ["40001-40004={n}", "1-8=1"]
  - name: meter
    kind: modbus
    address: "127.0.4.1:5020"
`)
    expect(specs).toEqual([
      expect.objectContaining({ name: "plc", kind: "enip", host: "127.0.0.1", port: 44818, tags: ["SCADA=INT[10]"], delay: 0.25 }),
      { name: "pump1", kind: "modbus", host: "127.0.3.1", port: 502, registers: ["40001-40004=1", "1-8=1"], units: [1, 2], delay: 0.25 },
      { name: "pump2", kind: "modbus", host: "127.0.3.2", port: 502, registers: ["40001-40004=2", "1-8=1"], units: [1, 2], delay: 0.25 },
      { name: "meter", kind: "modbus", host: "127.0.4.1", port: 5020, registers: ["40001-40010=0"], delay: 0.25 }
    ])
    // The EtherNet/IP controller takes no registers from the defaults, and gets a serial.
    expect(specs[0]).not.toHaveProperty("registers")
    expect((specs[0] as EnipControllerSpec).identity.serial).toBe((DEFAULT_IDENTITY.serial + 1) >>> 0)
  })

  it("the README's kind: modbus example parses to the devices its comments describe", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8")
    const block = /```yaml\n((?:(?!```)[\s\S])*kind: modbus(?:(?!```)[\s\S])*)```/.exec(readme)
    expect(block).not.toBeNull()
    const specs = any(block![1]!.replace(/^  /gm, ""))
    expect(specs.map((c) => [c.name, c.kind, `${c.host}:${c.port}`])).toEqual([
      ["line", "enip", "127.0.5.1:44818"], ["pump1", "modbus", "127.0.5.2:5020"], ["pump2", "modbus", "127.0.5.3:5020"]
    ])
  })

  it("refuses a bad file with one line naming the entry and the field", () => {
    const cases: Array<[string, RegExp]> = [
      [`controllers: [{ name: a, address: "127.0.0.1" }, { name: b, adress: x }]`, /^controllers\[1\] \(b\): adress: unknown field$/],
      [`controllers: [{ name: a, identity: { vendor: "x" } }]`, /^controllers\[0\] \(a\): identity\.vendor: expected a vendor id \(an integer 0\.\.65535\), got "x"$/],
      [`controllers: [{ name: a, identity: { vendor: 70000 } }]`, /^controllers\[0\] \(a\): identity\.vendor: expected a vendor id \(an integer 0\.\.65535\), got 70000$/],
      [`controllers: [{ name: a, tags: ["OK=INT", "BAD=FOO[3]"] }]`, /^controllers\[0\] \(a\): tags\[1\]: bad tag spec "BAD=FOO\[3\]": unknown type "FOO"/],
      [`controllers: [{ name: a, tags: ["X=INT", "x=DINT"] }]`, /^controllers\[0\] \(a\): tags\[1\]: bad tag spec "x=DINT": duplicate tag name x$/],
      [`controllers: [{ name: a, address: "127.0.0.1" }, { name: a, address: "127.0.0.2" }]`, /^controllers\[1\] \(a\): name: "a" is also the name of a controller of controllers\[0\] \(a\)$/],
      [`controllers: [{ name: p, count: 3, address: "127.0.0.1" }, { name: q, address: "127.0.0.3" }]`, /^controllers\[1\] \(q\): address: q at 127\.0\.0\.3:44818: that address is also taken by controllers\[0\] \(p\)$/],
      [`controllers: [{ name: p, address: "127.0.0.1:7" }, { name: q, address: ":7" }]`, /^controllers\[1\] \(q\): address: .* also taken by controllers\[0\]/],
      [`controllers: [{ name: p, count: 3, address: "255.255.255.254" }]`, /^controllers\[0\] \(p\): address: address 255\.255\.255\.254 \+ 2 is past 255\.255\.255\.255$/],
      [`controllers: [{ name: p, count: 2, address: ":65535" }]`, /address: port 65535 \+ 1 is past 65535$/],
      [`controllers: [{ name: a, identity: { revision: 20.11 } }]`, /^controllers\[0\] \(a\): identity\.revision: expected a revision "MAJOR\.MINOR" \(quoted\) or \[MAJOR, MINOR\], got 20\.11$/],
      [`controllers: [{ name: a, identity: { revision: "300.1" } }]`, /identity\.revision: expected MAJOR\.MINOR with each 0\.\.255/],
      [`controllers: [{ name: "p{n}", count: 2, identity: { serial: "{n}x" } }]`, /^controllers\[0\] \(p\{n\}\): identity\.serial: expected a serial number .* \(n=1\)$/],
      [`controllers: [{ name: a, delay: "slow" }]`, /^controllers\[0\] \(a\): delay: expected seconds like 0\.5 or a range/],
      [`controllers: [{ name: a, delay: -1 }]`, /^controllers\[0\] \(a\): delay: expected seconds or a range/],
      [`controllers: [{ name: a, routePath: "x/1" }]`, /^controllers\[0\] \(a\): routePath: invalid route path "x\/1": bad port/],
      // A structure as text that does not parse: the parser's words, not the object form's "expected { … }";
      // an object missing a field or neither form: the Schema's.
      [`controllers: [{ name: a, udts: ["Motor{Speed:REAL"] }]`, /^controllers\[0\] \(a\): udts\[0\]: bad structure definition "Motor\{Speed:REAL": expected NAME\{Member:TYPE\[n\],…\}$/],
      [`controllers: [{ name: a, udts: [{ name: M }] }]`, /^controllers\[0\] \(a\): udts\[0\]\.members: is missing$/],
      [`controllers: [{ name: a, udts: [5] }]`, /^controllers\[0\] \(a\): udts\[0\]: expected \{ readonly name: .*, got 5$/],
      [`controllers: [{ name: a, tcp: false, udp: false }]`, /^controllers\[0\] \(a\): tcp: false with udp: false leaves nothing to serve$/],
      [`controllers: [{ name: a, kind: modbus }]`, /^controllers\[0\] \(a\): registers: a modbus device needs registers: \(ranges like "40001-40100=0"\)$/],
      [`controllers: [{ name: a, kind: modbus, registers: ["40001-40010"], tags: ["X=INT"] }]`, /^controllers\[0\] \(a\): tags: not for kind: modbus \(an EtherNet\/IP controller's field\)$/],
      [`controllers: [{ name: a, kind: modbus, registers: ["40001-40010"], identity: { vendor: 1 } }]`, /^controllers\[0\] \(a\): identity: not for kind: modbus/],
      [`controllers: [{ name: a, registers: ["40001-40010"] }]`, /^controllers\[0\] \(a\): registers: only for kind: modbus$/],
      [`controllers: [{ name: a, units: [1] }]`, /^controllers\[0\] \(a\): units: only for kind: modbus$/],
      [`controllers: [{ name: a, kind: modbus, registers: ["40001-39999"] }]`, /^controllers\[0\] \(a\): registers: /],
      [`controllers: [{ name: a, kind: modbus, registers: ["40001-40010"], units: [256] }]`, /^controllers\[0\] \(a\): units\[0\]: expected a unit id \(an integer 0\.\.255\), got 256$/],
      [`controllers: [{ name: "m{n}", kind: modbus, count: 2, registers: ["4000{n}-40001"] }]`, /^controllers\[0\] \(m\{n\}\): registers: .*\(n=2\)$/],
      [`controllers: [{ name: a, kind: profinet }]`, /^controllers\[0\] \(a\): kind: expected "enip" or "modbus", got "profinet"$/],
      [`controllers: [{ name: "my plc" }]`, /^controllers\[0\] \(my plc\): name: "my plc" is not a usable name/],
      [`controllers: [{ name: metrics }]`, /name: "metrics" is not a usable name/],
      [`controllers: [{ name: "p{q}" }]`, /name: unknown placeholder "\{q\}"/],
      [`controllers: [{ name: p, count: 0 }]`, /^controllers\[0\] \(p\): count: expected a count \(an integer 1\.\.65536\), got 0$/],
      [`controllers: [{ name: p, count: 40000 }, { name: q, count: 40000 }]`, /^80000 controllers: at most 65536 in one fleet$/],
      [`controllers: [{ address: "127.0.0.1" }]`, /^controllers\[0\]: name: /],
      [`defaults: { tags: "SCADA=INT" }\ncontrollers: []`, /^defaults\.tags: expected a list of tag specs, got "SCADA=INT"$/],
      [`controler: []`, /^controler: unknown field$/],
      [`controllers: 5`, /^controllers: expected a list of controller entries, got 5$/],
      [`controllers: [{ name: a }\n  - b`, /^not valid YAML \(line \d+, column \d+\): /],
      [`a: 1\na: 2\ncontrollers: []`, /^not valid YAML \(line 2, column 1\): Map keys must be unique/],
      [`- just a list`, /^expected a fleet file: a mapping with controllers: \(and optionally defaults:\), got \["just a list"\]$/],
      [`controllers: [5]`, /^controllers\[0\]: expected a controller entry \(a mapping with a name\), got 5$/]
    ]
    for (const [text, want] of cases) expect(bad(text).message, text).toMatch(want)
    expect(bad(`{"controllers": [}`, "json").message).toMatch(/^not valid JSON: /)
    const e = bad(`controllers: [{ name: a }, { name: b, identity: { vendor: x } }]`)
    expect({ entry: e.entry, field: e.field }).toEqual({ entry: 1, field: "identity.vendor" })
  })

  it("shows the value it refuses as JSON, cut to 57 characters and \"...\" past 60; a value JSON cannot show (an alias loop) as text", () => {
    const got = (value: string) => bad(`controllers: [{ name: a, maxSessions: ${value} }]`).message.replace(/^.*, got /, "")
    expect(got(`"${"a".repeat(58)}"`)).toBe(`"${"a".repeat(58)}"`) // 60 characters: whole
    expect(got(`"${"a".repeat(59)}"`)).toBe(`"${"a".repeat(56)}...`)
    expect(got("&x [*x]")).toBe("")
    expect(bad(`controllers: [{ name: a, identity: &x { vendor: *x } }]`).message).toMatch(/identity\.vendor: .*, got \[object Object\]$/)
  })

  it("bounds YAML alias expansion (no exponential blow-up)", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`), "controllers: []"].join("\n")
    expect(bad(bomb).message).toMatch(/^not valid YAML: .*alias/i)
  })

  it("never throws, whatever the text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.constantFrom("yaml" as const, "json" as const), (text, format) => {
      const r = parseFleetConfig(text, format)
      if (Either.isLeft(r)) expect(r.left.message).not.toContain("\n")
    }), { numRuns: numRuns(300) })
    const entry = fc.record({
      name: fc.constantFrom("p{n}", "plc", "x{n:3}", "{y}", "a b"),
      count: fc.option(fc.integer({ min: -1, max: 5 }), { nil: undefined }),
      address: fc.option(fc.constantFrom("127.0.0.1", ":44818", "127.0.0.{n}", "[::1]", "bad host", "1.2.3.4:99999"), { nil: undefined }),
      tags: fc.option(fc.array(fc.constantFrom("A=INT", "a=DINT", "B=FOO", "S@0x93/1/1=REAL", "T@1/1/1=INT"), { maxLength: 3 }), { nil: undefined }),
      delay: fc.option(fc.oneof(fc.double(), fc.constantFrom("0.1-0.2", "x")), { nil: undefined })
    }, { requiredKeys: ["name"] })
    fc.assert(fc.property(fc.array(entry, { maxLength: 4 }), (controllers) => {
      const r = parseFleetConfig(JSON.stringify({ controllers }), "json")
      if (Either.isLeft(r)) expect(r.left.message).not.toContain("\n")
      else expect(new Set(r.right.map((c) => c.name)).size).toBe(r.right.length)
    }), { numRuns: numRuns(300) })
  })
})

describe("the example fleet files", () => {
  it("examples/fleet/plant.yaml (the README's) and cell.json parse to the controllers they describe", () => {
    const read = (f: string) => readFileSync(new URL(`../../examples/fleet/${f}`, import.meta.url), "utf8")
    const plant = ok(read("plant.yaml"))
    expect(plant.map((c) => c.name)).toEqual([...Array.from({ length: 50 }, (_, i) => `plc${i + 1}`), "boiler", "drive"])
    expect(plant[49]).toMatchObject({ host: "127.0.1.50", port: 44818, identity: { serial: 4050, productName: "1756-L71 LINE" } })
    expect(plant[50]).toMatchObject({ host: "127.0.2.1", delay: [0.1, 0.4], routePath: [{ _tag: "Port", port: 1, link: 2 }], tags: ["Level=REAL[16]"] })
    expect(plant[51]).toMatchObject({ simple: true, identity: { revision: [32, 11], productCode: 99 } })
    const cell = ok(read("cell.json"), "json")
    expect(cell.map((c) => `${c.name} ${c.host}:${c.port}`)).toEqual([
      "cell01 127.0.3.1:44818", "cell02 127.0.3.2:44818", "cell03 127.0.3.3:44818", "cell04 127.0.3.4:44818",
      "vision 127.0.3.9:44818", "scale 127.0.3.10:44818"
    ])
    expect(cell.map((c) => c.identity.serial).slice(0, 4)).toEqual([0x1001, 0x1002, 0x1003, 0x1004])
    expect(cell[4]).toMatchObject({ udp: false, maxSessions: 4, idleTimeout: 30 })
    expect(cell[5]).toMatchObject({ routePath: [], delay: 0.05 })
  })

  it("an odd key or name in a bad file is quoted, so the error stays one line (found by the fleet-config fuzz target)", () => {
    expect(bad(`{"defaults": {"identity": {"v\\ndor": 1}}, "controllers": []}`, "json").message).toBe(`defaults.identity."v\\ndor": unknown field`)
    expect(bad(`{"controllers": [{"name": "a\\nb"}]}`, "json").message).toMatch(/^controllers\[0\] \("a\\nb"\): name: /)
    expect(bad(`controllers: [{ name: "p{\\n}" }]`).message).toContain(`unknown placeholder "{\\n}"`)
  })
})
