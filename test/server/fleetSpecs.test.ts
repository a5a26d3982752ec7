/**
 * What each fleet file field becomes (src/server/fleetConfig.ts), compared whole (`toStrictEqual`:
 * a field not given is absent, not `undefined`): EtherNet/IP and Modbus entries, identity fields
 * and their forms (revision, serial as a number, text, template or base + n) with their bounds,
 * route path spellings, `{n}` in registers and signals, the errors' entry and field, YAML and JSON
 * syntax errors with their position, name and address clashes, and the format a file name implies.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { type ControllerSpec, FleetConfigError, fleetFormatOf, parseFleetConfig } from "../../src/server/fleetConfig.js"

const specs = (text: string, format: "yaml" | "json" = "yaml"): ReadonlyArray<ControllerSpec> => {
  const r = parseFleetConfig(text, format)
  if (Either.isLeft(r)) throw new Error(`refused: ${r.left.message}`)
  return r.right
}
const refused = (text: string, format: "yaml" | "json" = "yaml") => {
  const r = parseFleetConfig(text, format)
  if (Either.isRight(r)) throw new Error(`accepted: ${JSON.stringify(r.right)}`)
  expect(r.left).toBeInstanceOf(FleetConfigError)
  return { message: r.left.message, entry: r.left.entry, field: r.left.field }
}
const DEFAULT_SERIAL = 0x006c061a

describe("fleet entries, field by field", () => {
  it("every EtherNet/IP field given lands in the spec; none given, none there", () => {
    expect(specs(`controllers: [{ name: a, address: "127.0.0.1:0", identity: { vendor: 1, deviceType: 2, productCode: 3, status: 4, productName: P, state: 5, revision: [1, 2], serial: 7 },
      delay: 0.5, routePath: "1/0", simple: true, udp: false, tcp: true, idleTimeout: 9, maxSessions: 10, size: 600,
      tags: ["X=INT"], udts: ["M{a:INT}"], signals: ["X=sine(amplitude=1, period=10s)"] }]`)).toStrictEqual([{
      name: "a", kind: "enip", host: "127.0.0.1", port: 0, tags: ["X=INT"],
      udts: [{ name: "M", members: [{ name: "a", type: "INT" }] }], signals: ["X=sine(amplitude=1, period=10s)"],
      identity: { vendor: 1, deviceType: 2, productCode: 3, status: 4, productName: "P", state: 5, revision: [1, 2], serial: 7 },
      delay: 0.5, routePath: [{ _tag: "Port", port: 1, link: 0 }], simple: true, udp: false, tcp: true, idleTimeout: 9, maxSessions: 10, maxFrame: 600
    }])
    expect(specs(`controllers: [{ name: a }]`)).toStrictEqual([
      { name: "a", kind: "enip", host: "0.0.0.0", port: 44818, tags: [], identity: { serial: DEFAULT_SERIAL + 1 } }
    ])
    expect(specs(`controllers: [{ name: a, tcp: false }]`)[0]).toStrictEqual(
      { name: "a", kind: "enip", host: "0.0.0.0", port: 44818, tags: [], identity: { serial: DEFAULT_SERIAL + 1 }, tcp: false })
    expect(specs(`controllers: [{ name: a, delay: "0.1-0.2" }]`)[0]).toMatchObject({ delay: [0.1, 0.2] })
  })

  it("every Modbus field given lands in the spec; {n} in registers per device, checked per device", () => {
    expect(specs(`controllers: [{ name: a, kind: modbus, address: "127.0.0.1:0", registers: ["40001-40002=0"], units: [1], delay: 1, idleTimeout: 3, maxSessions: 4 }]`)).toStrictEqual([
      { name: "a", kind: "modbus", host: "127.0.0.1", port: 0, registers: ["40001-40002=0"], units: [1], delay: 1, idleTimeout: 3, maxSessions: 4 }
    ])
    expect(specs(`controllers: [{ name: "m{n}", count: 2, kind: modbus, registers: ["4000{n}=1", "40003=1"] }]`)).toStrictEqual([
      { name: "m1", kind: "modbus", host: "0.0.0.0", port: 502, registers: ["40001=1", "40003=1"] },
      { name: "m2", kind: "modbus", host: "0.0.0.0", port: 503, registers: ["40002=1", "40003=1"] }
    ])
    expect(refused(`controllers: [{ name: m, kind: modbus, registers: ["4000{x}=1"] }]`)).toEqual({
      message: `controllers[0] (m): registers[0]: unknown placeholder "{x}" (use {n}, {n+K}, {K+n}, {n-K} or {n:WIDTH})`, entry: 0, field: "registers[0]"
    })
    // The second device's range ends before it begins once {n} is expanded.
    expect(refused(`controllers: [{ name: "m{n}", count: 2, kind: modbus, registers: ["4000{n}-40001=1"] }]`)).toEqual({
      message: `controllers[0] (m{n}): registers: bad register "40002-40001=1": the end is before the beginning (n=2)`, entry: 0, field: "registers"
    })
  })

  it("identity: revision as text or pair, each part 0..255", () => {
    const revision = (r: string) => (specs(`controllers: [{ name: a, identity: { revision: ${r} } }]`)[0] as { identity: { revision?: unknown } }).identity.revision
    expect(revision(`"2.3"`)).toEqual([2, 3])
    expect(revision(`" 2.3 "`)).toEqual([2, 3])
    expect(revision(`[0, 255]`)).toEqual([0, 255])
    for (const bad of [`" 2.3x"`, `"x2.3"`, `"2. 3"`, `[1, 256]`, `[256, 1]`, `[1, -1]`, `[-1, 1]`, `[1, 2, 3]`, `[1.5, 2]`, `"1234.1"`]) {
      expect(refused(`controllers: [{ name: a, identity: { revision: ${bad} } }]`), bad).toMatchObject({ entry: 0, field: "identity.revision" })
    }
  })

  it("identity: serial as a number, text or template; base + n on a repeated entry; 0..0xFFFFFFFF", () => {
    const serials = (entry: string) => specs(`controllers: [{ name: a, ${entry} }]`).map((s) => (s as { identity: { serial?: number } }).identity.serial)
    expect(serials(`identity: { serial: "0" }`)).toEqual([0])
    expect(serials(`identity: { serial: "0xFFFFFFFF" }`)).toEqual([0xffffffff])
    expect(serials(`count: 2, identity: { serial: 10 }`)).toEqual([11, 12])
    expect(serials(`count: 2, identity: { serial: "10" }`)).toEqual([11, 12])
    expect(serials(`count: 2, identity: { serial: "1{n}" }`)).toEqual([11, 12])
    expect(serials(`identity: { serial: 5 }`)).toEqual([5])
    expect(refused(`controllers: [{ name: a, identity: { serial: "0x100000000" } }]`)).toEqual({
      message: `controllers[0] (a): identity.serial: expected a serial number 0..0xFFFFFFFF, got "0x100000000"`, entry: 0, field: "identity.serial"
    })
    expect(refused(`controllers: [{ name: a, count: 2, identity: { serial: "0xFFFFFFFF" } }]`).message).toMatch(/got "0xFFFFFFFF"$/)
    expect(refused(`controllers: [{ name: a, identity: { serial: "{x}" } }]`)).toEqual({
      message: `controllers[0] (a): identity.serial: unknown placeholder "{x}" (use {n}, {n+K}, {K+n}, {n-K} or {n:WIDTH})`, entry: 0, field: "identity.serial"
    })
    expect(refused(`controllers: [{ name: a, identity: { serial: "x" } }]`).message).toMatch(/got "x"$/)
    expect(refused(`controllers: [{ name: "a{n}", count: 2, identity: { serial: "{n}x" } }]`).message).toMatch(/got "\{n\}x" \(n=1\)$/)
  })

  it("route path: false, none or 0 (any case, spaces) accept no route; text is parsed", () => {
    const routes = specs(`controllers: [{ name: a, routePath: false, address: ":1" }, { name: b, routePath: " None ", address: ":2" },
      { name: c, routePath: "0", address: ":3" }, { name: d, routePath: " 1/3 ", address: ":4" }]`).map((s) => (s as { routePath?: unknown }).routePath)
    expect(routes).toEqual([[], [], [], [{ _tag: "Port", port: 1, link: 3 }]])
    for (const bad of [`"nonex"`, `"xnone"`, `"none x"`]) {
      expect(refused(`controllers: [{ name: e, routePath: ${bad} }]`), bad).toMatchObject({ entry: 0, field: "routePath" })
    }
  })

  it("signals: {n} expanded per member, each checked; a bad one names its index (and n when templated)", () => {
    expect(specs(`controllers: [{ name: "a{n}", count: 2, signals: ["X{n}=sine(amplitude=1)"] }]`).map((s) => (s as { signals?: unknown }).signals))
      .toEqual([["X1=sine(amplitude=1)"], ["X2=sine(amplitude=1)"]])
    expect(refused(`controllers: [{ name: a, signals: ["X=sine()", "=sine()"] }]`)).toMatchObject({ entry: 0, field: "signals[1]", message: expect.stringMatching(/^controllers\[0\] \(a\): signals\[1\]: bad signal "=sine\(\)": [^(]*position 1$/) })
    expect(refused(`controllers: [{ name: "a{n}", count: 2, signals: ["X{n}"] }]`).message).toMatch(/^controllers\[0\] \(a\{n\}\): signals\[0\]: bad signal "X1": .* \(n=1\)$/)
    expect(refused(`controllers: [{ name: "a{n}", count: 2, signals: ["X={y}"] }]`)).toMatchObject({ field: "signals[0]" })
  })

  it("tcp: false with udp: false is refused; a tag of an unknown type names the tag's index", () => {
    expect(refused(`controllers: [{ name: a, tcp: false, udp: false }]`)).toEqual({
      message: "controllers[0] (a): tcp: false with udp: false leaves nothing to serve", entry: 0, field: "tcp"
    })
    expect(refused(`controllers: [{ name: a, udts: ["A{x:INT}"], tags: ["X=A", "Y=B"] }]`)).toMatchObject({ entry: 0, field: "tags[1]" })
  })
})

describe("fleet files as a whole", () => {
  it("YAML and JSON syntax errors: one line, with the position when the parser gives one", () => {
    expect(refused(`controllers:\n  - name: a\n    tags: [\n`)).toEqual({
      message: "not valid YAML (line 4, column 1): Flow sequence in block collection must be sufficiently indented and end with a ]", entry: undefined, field: undefined
    })
    const json = refused(`{"controllers": [}`, "json")
    expect(json.message).toMatch(/^not valid JSON: Unexpected token/)
    expect(json.message).not.toContain("\n")
  })

  it("errors outside an entry name the field only; entry errors name the entry and the field", () => {
    expect(refused(`controllers: 5`)).toEqual({ message: "controllers: expected a list of controller entries, got 5", entry: undefined, field: "controllers" })
    expect(refused(`foo: 1`)).toEqual({ message: "foo: unknown field", entry: undefined, field: "foo" })
    expect(refused(`controllers: [{ name: a, identity: { "bad key": 1 } }]`)).toEqual({
      message: `controllers[0] (a): identity."bad key": unknown field`, entry: 0, field: `identity."bad key"`
    })
    expect(refused(`controllers: [{ name: a, count: 40000 }, { name: b, count: 30000 }]`)).toEqual({
      message: "70000 controllers: at most 65536 in one fleet", entry: undefined, field: undefined
    })
  })

  it("names clash whatever their case; addresses clash with a wildcard on the same port either way; port 0 never clashes", () => {
    expect(refused(`controllers: [{ name: A, address: ":1" }, { name: a, address: ":2" }]`)).toEqual({
      message: `controllers[1] (a): name: "a" is also the name of a controller of controllers[0] (A)`, entry: 1, field: "name"
    })
    expect(refused(`controllers: [{ name: a, address: "127.0.0.1:5" }, { name: b, address: "0.0.0.0:5" }]`).message)
      .toBe("controllers[1] (b): address: b at 0.0.0.0:5: that address is also taken by controllers[0] (a)")
    expect(refused(`controllers: [{ name: a, address: "0.0.0.0:5" }, { name: b, address: "127.0.0.1:5" }]`).message)
      .toBe("controllers[1] (b): address: b at 127.0.0.1:5: that address is also taken by controllers[0] (a)")
    expect(specs(`controllers: [{ name: a, address: "127.0.0.1:5" }, { name: b, address: "127.0.0.2:5" }]`)).toHaveLength(2)
    expect(specs(`controllers: [{ name: a, address: "0.0.0.0:0" }, { name: b, address: "0.0.0.0:0" }]`)).toHaveLength(2)
  })

  it("a .json name (any case) is JSON, anything else YAML", () => {
    expect(fleetFormatOf("plant.json")).toBe("json")
    expect(fleetFormatOf("PLANT.JSON")).toBe("json")
    expect(fleetFormatOf("plant.json.yaml")).toBe("yaml")
    expect(fleetFormatOf("json")).toBe("yaml")
    expect(fleetFormatOf("plant.yml")).toBe("yaml")
  })
})
