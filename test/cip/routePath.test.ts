/**
 * Route paths as users write them (`--route-path 1/0`, JSON), the exact error for each mistake,
 * and paths printed for people (`SCADA[3]`, `@0x6b/8/1`, `1/0`).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { formatEPath, parseRoutePath, pathClass } from "../../src/cip/epath.js"
import type { EPath } from "../../src/cip/model.js"

const ok = (t: string) => Either.getOrThrow(parseRoutePath(t))
const why = (t: string) => {
  const r = parseRoutePath(t)
  if (Either.isRight(r)) throw new Error(`accepted ${t}`)
  return [r.left.reason, r.left.offset, r.left.message]
}

describe("parseRoutePath: text", () => {
  it("port/link pairs, separated by / or ,; a link of 0..255 is a number, else an address", () => {
    expect(ok(" 1 / 0 , 2 / 10.0.0.1 ")).toEqual([{ _tag: "Port", port: 1, link: 0 }, { _tag: "Port", port: 2, link: "10.0.0.1" }])
    expect(ok("1/255")).toEqual([{ _tag: "Port", port: 1, link: 255 }])
    expect(ok("1/256")).toEqual([{ _tag: "Port", port: 1, link: "256" }])
    expect(ok("65535/plc-2.local:44818")).toEqual([{ _tag: "Port", port: 65535, link: "plc-2.local:44818" }])
    expect(ok("NONE")).toEqual([])
    expect(ok("[]")).toEqual([])
    expect(ok("  ")).toEqual([])
  })

  it("names each mistake", () => {
    expect(why("1/0/3")).toEqual(["BadValue", 0, "route path needs port/link pairs: 1/0/3"])
    expect(why("0/1")).toEqual(["BadValue", 0, "bad port '0' in route path"])
    expect(why("65536/1")).toEqual(["BadValue", 0, "bad port '65536' in route path"])
    expect(why("x/1")).toEqual(["BadValue", 0, "bad port 'x' in route path"])
    expect(why("-1/1")).toEqual(["BadValue", 0, "bad port '-1' in route path"])
    expect(why("1/a b")).toEqual(["BadValue", 0, "bad link 'a b' in route path"])
    expect(why("1/")).toEqual(["BadValue", 0, "bad link '' in route path"])
    expect(why(`1/${"a".repeat(256)}`)).toEqual(["BadValue", 0, "route path: link address must be 1..255 Latin-1 characters"])
  })

  it("a route longer than 255 words is refused", () => {
    const long = Array.from({ length: 130 }, () => "1/" + "a".repeat(10)).join("/")
    const [reason, , message] = why(long)
    expect(reason).toBe("TooLarge")
    expect(message).toMatch(/^route path of \d+ words exceeds 255$/)
    expect(Either.isRight(parseRoutePath(Array.from({ length: 255 }, () => "1/0").join("/")))).toBe(true)
    expect(why(Array.from({ length: 256 }, () => "1/0").join("/"))).toEqual(["TooLarge", 0, "route path of 256 words exceeds 255"])
  })
})

describe("parseRoutePath: JSON", () => {
  it("a list or one object; numbers, text links and logical segments", () => {
    expect(ok('{"port":1,"link":"10.0.0.9"}')).toEqual([{ _tag: "Port", port: 1, link: "10.0.0.9" }])
    expect(ok('[{"port":1,"link":0},{"class":2},{"instance":1},{"attribute":3},{"element":4},{"connection":5},{"symbolic":"T"}]')).toEqual([
      { _tag: "Port", port: 1, link: 0 }, { _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }, { _tag: "Attribute", id: 3 },
      { _tag: "Element", index: 4 }, { _tag: "ConnectionPoint", id: 5 }, { _tag: "Symbolic", name: "T" }
    ])
    expect(ok('[{"class":0}]')).toEqual([{ _tag: "Class", id: 0 }])
  })

  it("names what it does not understand", () => {
    expect(why("[{")).toEqual(["BadValue", 0, "route path is not valid JSON: [{"])
    expect(why('[{"port":1}]')).toEqual(["BadSegment", 0, `route path segment not understood: {"port":1}`])
    expect(why('[{"port":-1,"link":0}]')).toEqual(["BadSegment", 0, `route path segment not understood: {"port":-1,"link":0}`])
    expect(why('[{"port":1.5,"link":0}]')[0]).toBe("BadSegment")
    expect(why('[{"class":"2"}]')).toEqual(["BadSegment", 0, `route path segment not understood: {"class":"2"}`])
    expect(why("[5]")).toEqual(["BadSegment", 0, "route path segment not understood: 5"])
    expect(why("[null]")).toEqual(["BadSegment", 0, "route path segment not understood: null"])
    expect(why('[{"symbolic":7}]')[0]).toBe("BadSegment")
    expect(why('[{"other":1}]')[0]).toBe("BadSegment")
  })

  it("refuses segments the wire cannot carry", () => {
    expect(why('[{"port":0,"link":0}]')).toEqual(["BadValue", 0, "route path: port 0 out of range 1..65535"])
    expect(why('[{"port":65536,"link":0}]')).toEqual(["BadValue", 0, "route path: port 65536 out of range 1..65535"])
    expect(why('[{"port":1,"link":256}]')).toEqual(["BadValue", 0, "route path: link 256 out of range 0..255 (a longer address is text)"])
    expect(why('[{"port":1,"link":""}]')).toEqual(["BadValue", 0, "route path: link address must be 1..255 Latin-1 characters"])
    expect(why('[{"port":1,"link":"π"}]')).toEqual(["BadValue", 0, "route path: link address must be 1..255 Latin-1 characters"])
    expect(why('[{"symbolic":""}]')).toEqual(["BadValue", 0, "route path: symbolic name must be 1..255 Latin-1 characters"])
    expect(why(`[{"symbolic":"${"s".repeat(256)}"}]`)).toEqual(["BadValue", 0, "route path: symbolic name must be 1..255 Latin-1 characters"])
    expect(why('[{"symbolic":"π"}]')[2]).toBe("route path: symbolic name must be 1..255 Latin-1 characters")
    expect(why('[{"class":4294967296}]')).toEqual(["BadValue", 0, "route path: Class 4294967296 out of range"])
    expect(why('[{"instance":4294967296}]')).toEqual(["BadValue", 0, "route path: Instance 4294967296 out of range"])
    expect(why('[{"element":4294967296}]')).toEqual(["BadValue", 0, "route path: element 4294967296 out of range"])
    expect(ok('[{"class":4294967295},{"element":4294967295},{"port":65535,"link":255}]')).toHaveLength(3)
    expect(ok(`[{"symbolic":"${"s".repeat(255)}"}]`)).toHaveLength(1)
  })
})

describe("formatEPath", () => {
  const cases: ReadonlyArray<[EPath, string]> = [
    [[{ _tag: "Symbolic", name: "SCADA" }, { _tag: "Element", index: 3 }], "SCADA[3]"],
    [[{ _tag: "Symbolic", name: "A" }, { _tag: "Symbolic", name: "B" }, { _tag: "Element", index: 1 }, { _tag: "Element", index: 2 }], "A.B[1][2]"],
    [[{ _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 8 }, { _tag: "Attribute", id: 1 }], "@0x6b/8/1"],
    [[{ _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }, { _tag: "Member", id: 4 }, { _tag: "ConnectionPoint", id: 5 }], "@0x2/1/4/5"],
    [[{ _tag: "Instance", id: 7 }], "@Instance=7"],
    [[{ _tag: "Symbolic", name: "T" }, { _tag: "Attribute", id: 2 }], "T @Attribute=2"],
    [[{ _tag: "Class", id: 0x6b }, { _tag: "Symbolic", name: "T" }, { _tag: "Symbolic", name: "U" }], "@0x6b T.U"],
    [[{ _tag: "Port", port: 1, link: 0 }, { _tag: "Port", port: 2, link: "10.0.0.1" }, { _tag: "Class", id: 1 }], "1/0 2/10.0.0.1 @0x1"],
    [[{ _tag: "Port", port: 1, link: 0 }, { _tag: "Instance", id: 3 }], "1/0 @Instance=3"],
    [[{ _tag: "Key", vendor: 1, deviceType: 14, productCode: 54, major: 20, compatibility: true, minor: 11 }, { _tag: "Class", id: 1 }], "key(1/14/54/20.11) @0x1"],
    [[{ _tag: "Class", id: 1 }, { _tag: "Data", data: Uint8Array.of(1, 2, 3) }, { _tag: "Instance", id: 2 }], "@0x1 data(3) @Instance=2"],
    [[{ _tag: "Data", data: new Uint8Array(0) }], "data(0)"],
    [[], ""]
  ]
  it.each(cases)("%j prints %s", (path, text) => expect(formatEPath(path)).toBe(text))
})

describe("pathClass", () => {
  it("the first Class segment's id, wherever it is", () => {
    expect(pathClass([{ _tag: "Port", port: 1, link: 0 }, { _tag: "Class", id: 6 }, { _tag: "Class", id: 7 }])).toBe(6)
    expect(pathClass([{ _tag: "Symbolic", name: "T" }])).toBeUndefined()
    expect(pathClass([])).toBeUndefined()
  })
})
