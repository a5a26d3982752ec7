/**
 * `-c FILE` read in-process: cpppo's INI sections ([Identity], [TCPIP], [UCMM]) and the JSON form,
 * each value checked, each refusal naming file, section and key; later files winning.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { homedir, tmpdir } from "node:os"
import { join } from "node:path"
import { defaultConfigFiles, emptyFileConfig, loadConfigFiles, setIdentity } from "../../src/cli/config.js"

const dir = mkdtempSync(join(tmpdir(), "cpppo-config-"))
let n = 0
const file = (text: string, ext = "cfg") => { const f = join(dir, `c${n++}.${ext}`); writeFileSync(f, text); return f }
const load = (...files: Array<string>) => loadConfigFiles(files, { noDefaults: true })
const ok = (...files: Array<string>) => Either.getOrThrowWith(load(...files), (e) => new Error(e))
const why = (...files: Array<string>) => Either.match(load(...files), { onLeft: (e) => e.replace(dir, "DIR"), onRight: (c) => `loaded ${JSON.stringify(c)}` })

describe("setIdentity", () => {
  const set = (key: Parameters<typeof setIdentity>[1], value: unknown) => {
    const into = emptyFileConfig()
    const err = setIdentity(into, key, value, "W")
    return err ?? into.identity
  }
  it("numbers: whole, decimal or hex text, 0..the field's largest", () => {
    expect(set("vendor", 65535)).toEqual({ vendor: 65535 })
    expect(set("vendor", " 0x10 ")).toEqual({ vendor: 16 })
    expect(set("vendor", "+7")).toEqual({ vendor: 7 })
    expect(set("vendor", 0)).toEqual({ vendor: 0 })
    expect(set("vendor", 65536)).toBe("W: vendor must be a whole number 0..65535, not 65536")
    expect(set("vendor", -1)).toBe("W: vendor must be a whole number 0..65535, not -1")
    expect(set("vendor", "1.5")).toBe('W: vendor must be a whole number 0..65535, not "1.5"')
    expect(set("vendor", true)).toBe("W: vendor must be a whole number 0..65535, not true")
    expect(set("serial", 0xffffffff)).toEqual({ serial: 0xffffffff })
    expect(set("state", 256)).toBe("W: state must be a whole number 0..255, not 256")
    expect(set("heartbeat", 255)).toEqual({ heartbeat: 255 })
  })
  it("product name: text of at most 32 characters", () => {
    expect(set("productName", "x".repeat(32))).toEqual({ productName: "x".repeat(32) })
    expect(set("productName", "x".repeat(33))).toBe(`W: productName must be text of at most 32 characters, not "${"x".repeat(33)}"`)
    expect(set("productName", 5)).toBe("W: productName must be text of at most 32 characters, not 5")
  })
  it("revision: MAJOR.MINOR, a pair, or cpppo's 16-bit number (major in the low byte)", () => {
    expect(set("revision", " 20.11 ")).toEqual({ revision: [20, 11] })
    expect(set("revision", [1, 255])).toEqual({ revision: [1, 255] })
    expect(set("revision", 2836)).toEqual({ revision: [20, 11] })
    expect(set("revision", "0x0B14")).toEqual({ revision: [20, 11] })
    const bad = "MAJOR.MINOR (each 0..255) or a 16-bit number"
    expect(set("revision", "256.1")).toBe(`W: revision must be ${bad}, not "256.1"`)
    expect(set("revision", [1, 2, 3])).toBe(`W: revision must be ${bad}, not [1,2,3]`)
    expect(set("revision", [1, -1])).toBe(`W: revision must be ${bad}, not [1,-1]`)
    expect(set("revision", [1, 1.5])).toBe(`W: revision must be ${bad}, not [1,1.5]`)
    expect(set("revision", "v2")).toBe(`W: revision must be ${bad}, not "v2"`)
    expect(set("revision", " 2836 ")).toEqual({ revision: [20, 11] })
    expect(set("revision", "0.0")).toEqual({ revision: [0, 0] })
    expect(set("revision", [0, 0])).toEqual({ revision: [0, 0] })
    expect(set("revision", 0xffff)).toEqual({ revision: [255, 255] })
    // Only the whole text: not a prefix or a suffix of it.
    for (const v of ["1.2.3", "x1.2", "20.11x"]) expect(set("revision", v)).toBe(`W: revision must be ${bad}, not ${JSON.stringify(v)}`)
    // A number that is not a 16-bit whole one is refused, not cut to its low 16 bits (20.11 as a
    // JSON number was read as 20.0, 70000 as 112.17, -1 as 255.255).
    for (const v of [20.11, 70000, -1, 0x10000]) expect(set("revision", v)).toBe(`W: revision must be ${bad}, not ${v}`)
    for (const v of ["70000", "-1", "0x10000"]) expect(set("revision", v)).toBe(`W: revision must be ${bad}, not ${JSON.stringify(v)}`)
    expect(set("revision", null)).toBe(`W: revision must be ${bad}, not null`)
  })
})

describe("INI config files", () => {
  it("[Identity], [TCPIP] and [UCMM] keys as cpppo names them, any case; fixed keys listed as ignored", () => {
    const f = file([
      "[Identity]", "vendor number = 7", "Device Type = 12", "Product Code Number = 0x36", "Product Revision = 3.4",
      "Status Word = 1", "Serial Number = 0x1234", "Product Name = PLC 1", "State = 3", "Configuration Consistency Value = 9",
      "Heartbeat Interval = 2",
      "[TCPIP]", "Host Name = plc1", 'Interface Configuration = {"ip_address": "10.0.0.5", "network_mask": "255.0.0.0", "gateway_address": "10.0.0.1",',
      '  "dns_primary": "8.8.8.8", "dns_secondary": "1.1.1.1", "domain_name": "example.com"}', "Revision = 3",
      "[UCMM]", "Route Path = 1/3", "Route = x"
    ].join("\n"))
    const c = ok(f)
    expect(c.identity).toEqual({ vendor: 7, deviceType: 12, productCode: 0x36, revision: [3, 4], status: 1, serial: 0x1234, productName: "PLC 1", state: 3, configConsistency: 9, heartbeat: 2 })
    expect(c.network).toEqual({ hostName: "plc1", ip: "10.0.0.5", mask: "255.0.0.0", gateway: "10.0.0.1", dns1: "8.8.8.8", dns2: "1.1.1.1", domain: "example.com" })
    expect(c.routePath).toEqual([{ _tag: "Port", port: 1, link: 3 }])
    expect(c.ignored).toEqual([`${f} [TCPIP] Revision`, `${f} [UCMM] Route`])
    expect(c.loaded).toEqual([f])
  })
  it("route path: none leaves it unset, false/0/[] is no route", () => {
    expect(ok(file("[UCMM]\nRoute Path = None\n")).routePath).toBeUndefined()
    for (const v of ["false", "0", "[]"]) expect(ok(file(`[UCMM]\nRoute Path = ${v}\n`)).routePath).toEqual([])
    // Those words only as the whole value: 1/0 is a route; nonesuch, xnull, falsey are not words of it.
    expect(ok(file("[UCMM]\nRoute Path = 1/0\n")).routePath).toEqual([{ _tag: "Port", port: 1, link: 0 }])
    for (const v of ["nonesuch", "xnull", "falsey"]) expect(why(file(`[UCMM]\nRoute Path = ${v}\n`))).toMatch(new RegExp(`\\[UCMM\\] Route Path: invalid route path "${v}": `))
    expect(why(file("[UCMM]\nRoute Path = x/y\n"))).toMatch(/^DIR\/c\d+\.cfg \[UCMM\] Route Path: invalid route path "x\/y": bad port 'x' in route path$/)
  })
  it("refusals: unknown keys with a suggestion or the known list, bad values, bad JSON", () => {
    expect(why(file("[Identity]\nVendor Numbr = 1\n"))).toMatch(/\[Identity\]: unknown key "vendor numbr" \(did you mean "Vendor Number"\?\)$/)
    expect(why(file("[TCPIP]\nHost Nam = x\n"))).toMatch(/\[TCPIP\]: unknown key "host nam" \(did you mean "Host Name"\?\)$/)
    expect(why(file("[UCMM]\nzzz = 1\n"))).toMatch(/\[UCMM\]: unknown key "zzz" \(known: Route Path, Route\)$/)
    expect(why(file("[Identity]\nState = 300\n"))).toMatch(/\[Identity\] State: state must be a whole number 0\.\.255, not "300"$/)
    expect(why(file("[TCPIP]\nInterface Configuration = {x\n"))).toMatch(/\[TCPIP\] Interface Configuration: not JSON: /)
    expect(why(file("[TCPIP]\nInterface Configuration = [1]\n"))).toMatch(/\[TCPIP\] Interface Configuration: not a JSON object$/)
    expect(why(file("[TCPIP]\nInterface Configuration = null\n"))).toMatch(/\[TCPIP\] Interface Configuration: not a JSON object$/)
    expect(why(file("[TCPIP]\nInterface Configuration = 5\n"))).toMatch(/\[TCPIP\] Interface Configuration: not a JSON object$/)
    expect(why(file('[TCPIP]\nInterface Configuration = {"ip_adress": "1"}\n'))).toMatch(/Interface Configuration: unknown key "ip_adress" \(did you mean "ip_address"\?\)$/)
    expect(why(file('[TCPIP]\nInterface Configuration = {"ip_address": 1}\n'))).toMatch(/Interface Configuration: ip_address must be text$/)
    expect(why(file("[Identity]\nVendor Number = ${nothing}\n"))).toBe("[Identity] Vendor Number: ${nothing} is not defined")
    expect(why(file("[TCPIP]\nHost Name = ${nothing}\n"))).toBe("[TCPIP] Host Name: ${nothing} is not defined")
    expect(why(file("[TCPIP]\nInterface Configuration = ${x}\n"))).toBe("[TCPIP] Interface Configuration: ${x} is not defined")
    expect(why(file("[UCMM]\nRoute Path = ${x}\n"))).toBe("[UCMM] Route Path: ${x} is not defined")
    expect(why(file("Vendor Number = 1\n"))).toMatch(/c\d+\.cfg:1: a key before any \[Section\] header$/)
    expect(why(join(dir, "absent.cfg"))).toMatch(/^cannot read config DIR\/absent\.cfg: ENOENT/)
  })
  it("a file without a key leaves it unset (no key holding undefined); none keeps an earlier file's route path", () => {
    const c = ok(file('[TCPIP]\nInterface Configuration = {"ip_address": "10.0.0.5"}\n'))
    expect(c.network).toStrictEqual({ ip: "10.0.0.5" })
    expect(c.identity).toStrictEqual({})
    expect("routePath" in c).toBe(false)
    expect(ok(file("[UCMM]\nRoute Path = 1/3\n"), file("[UCMM]\nRoute Path = none\n")).routePath).toEqual([{ _tag: "Port", port: 1, link: 3 }])
  })
  it("the default places are read when a file is there (before the named ones), not with noDefaults; .json only as the ending", () => {
    // An absolute base name makes the last default place (NAME.cfg, relative to the working
    // directory) a file of this test's own.
    const base = join(dir, "plant")
    writeFileSync(`${base}.cfg`, "[Identity]\nVendor Number = 5\n")
    const named = file("[Identity]\nProduct Name = N\n")
    const c = Either.getOrThrow(loadConfigFiles([named], { basename: base }))
    expect(c.loaded).toEqual([`${base}.cfg`, named])
    expect(c.identity).toEqual({ vendor: 5, productName: "N" })
    expect(Either.getOrThrow(loadConfigFiles([named], { basename: base, noDefaults: true })).loaded).toEqual([named])
    expect(Either.getOrThrow(loadConfigFiles([named], { basename: base, noDefaults: false })).loaded).toEqual([`${base}.cfg`, named])
    expect(ok(file("[Identity]\nVendor Number = 6\n", "json.cfg")).identity).toEqual({ vendor: 6 })
  })
  it("later files win; ${…} reaches keys of files read before; other sections are not checked", () => {
    const a = file("[DEFAULT]\nvendor = 9\n[Identity]\nVendor Number = 5\nProduct Name = A\n[Other]\nanything = 1\n")
    const b = file("[Identity]\nVendor Number = ${vendor}\n")
    const c = ok(a, b)
    expect(c.identity).toEqual({ vendor: 9, productName: "A" })
    expect(c.loaded).toEqual([a, b])
  })
})

describe("JSON config files", () => {
  it("identity (nested or at the top), network and routePath", () => {
    const f = file(JSON.stringify({ identity: { vendor: 3, revision: "1.2" }, productName: "J", network: { ip: "10.1.1.1", speed: 100, mac: "00:11:22:33:44:55" }, routePath: "1/2" }), "json")
    expect(ok(f)).toMatchObject({ identity: { vendor: 3, revision: [1, 2], productName: "J" }, network: { ip: "10.1.1.1", speed: 100, mac: "00:11:22:33:44:55" }, routePath: [{ _tag: "Port", port: 1, link: 2 }] })
    expect(ok(file('{"routePath": "none"}', "JSON")).routePath).toEqual([])
    expect(ok(file('{"routePath": " none "}', "json")).routePath).toEqual([])
  })
  it("a JSON file read between INI files is not overridden by the earlier INI file", () => {
    const ini = file("[Identity]\nVendor Number = 1\n")
    const json = file('{"vendor": 2}', "json")
    const later = file("[Identity]\nProduct Name = X\n")
    expect(ok(ini, json, later).identity).toEqual({ vendor: 2, productName: "X" })
  })
  it("refusals name the file and what is wrong", () => {
    const w = (text: string) => why(file(text, "json")).replace(/DIR\/c\d+\.json/, "F")
    expect(w("{")).toMatch(/^cannot read config F: /)
    expect(w("{")).not.toBe("cannot read config F: not a JSON object")
    expect(w("5")).toBe("cannot read config F: not a JSON object")
    expect(w('{"identity": 5}')).toBe("F: identity must be an object")
    expect(w("[1]")).toBe("cannot read config F: not a JSON object")
    expect(w("null")).toBe("cannot read config F: not a JSON object")
    expect(w('{"vendr": 1}')).toBe('F: unknown key "vendr" (did you mean "vendor"?)')
    expect(w('{"identity": []}')).toBe("F: identity must be an object")
    expect(w('{"network": null}')).toBe("F: network must be an object")
    expect(w('{"network": {"ipp": "1"}}')).toBe('F network: unknown key "ipp" (did you mean "ip"?)')
    expect(w('{"identity": {"state": 999}}')).toBe("F identity: state must be a whole number 0..255, not 999")
    expect(w('{"network": {"speed": "100"}}')).toBe("F: network.speed must be a number")
    expect(w('{"network": {"ip": 1}}')).toBe("F: network.ip must be text")
    expect(w('{"routePath": 1}')).toBe('F: routePath must be text such as "1/0" or "none"')
    expect(w('{"routePath": "x/y"}')).toMatch(/^F routePath: invalid route path "x\/y": /)
    expect(w('{"serial": -1}')).toBe("F: serial must be a whole number 0..4294967295, not -1")
  })
})

describe("default config files", () => {
  it("cpppo's places, most general first; -b renames them", () => {
    const etc = process.env["APPDATA"] ?? "/etc"
    expect(defaultConfigFiles()).toEqual([join(etc, "cpppo.cfg"), join(homedir(), ".cpppo", "cpppo.cfg"), join(homedir(), ".cpppo.cfg"), "cpppo.cfg"])
    expect(defaultConfigFiles("plant")).toEqual([join(etc, "plant.cfg"), join(homedir(), ".cpppo", "plant.cfg"), join(homedir(), ".plant.cfg"), "plant.cfg"])
    // On Windows the most general place is %APPDATA%, as cpppo has it.
    const saved = process.env["APPDATA"]
    try {
      process.env["APPDATA"] = "/appdata"
      expect(defaultConfigFiles()[0]).toBe(join("/appdata", "cpppo.cfg"))
      delete process.env["APPDATA"]
      expect(defaultConfigFiles()[0]).toBe(join("/etc", "cpppo.cfg"))
    } finally {
      if (saved === undefined) delete process.env["APPDATA"]
      else process.env["APPDATA"] = saved
    }
    // No default file exists under a made-up base name: nothing is loaded, nothing fails.
    expect(Either.getOrThrow(loadConfigFiles([], { basename: `none-${process.pid}` })).loaded).toEqual([])
  })
})
