/**
 * Structures (UDTs) in a fleet file: `udts:` takes the definitions `--udt` takes, through the same
 * Schema (`UdtDefinitionSchema`: the text or the object form), in `defaults:` or an entry; the
 * controllers serve them; mistakes are one line naming the entry and the definition.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Logger, LogLevel } from "effect"
import { Client } from "../../src/client/client.js"
import { makeFleet } from "../../src/server/fleet.js"
import { parseFleetConfig } from "../../src/server/fleetConfig.js"

const FLEET = `
defaults:
  udts: ["Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}"]
  tags: ["M=Motor[10]", "BOOLS=BOOL[40]"]
controllers:
  - name: line{n}
    count: 2
    address: 127.0.3.1:0
  - name: cell
    address: 127.0.3.9:0
    udts:
      - "Motor{Speed:REAL,Running:BOOL}"
      - { name: Cell, members: [{ name: Pump, type: Motor, dims: 2 }, { name: Count, type: INT }] }
    tags: ["C=Cell"]
`

const bad = (text: string) => {
  const r = parseFleetConfig(text, "yaml")
  if (Either.isRight(r)) throw new Error(`accepted: ${JSON.stringify(r.right.map((c) => c.name))}`)
  expect(r.left.message).not.toContain("\n")
  return r.left.message
}

describe("structures in a fleet file", () => {
  it("defaults: and entries take definitions as text or objects; an entry's list replaces the defaults'", () => {
    const specs = Either.getOrThrow(parseFleetConfig(FLEET, "yaml")).flatMap((s) => (s.kind === "enip" ? [s] : []))
    expect(specs.map((s) => [s.name, s.udts?.length, s.tags])).toEqual([
      ["line1", 1, ["M=Motor[10]", "BOOLS=BOOL[40]"]], ["line2", 1, ["M=Motor[10]", "BOOLS=BOOL[40]"]], ["cell", 2, ["C=Cell"]]
    ])
    // Decoded by the one Schema: the text form becomes the object form.
    expect(specs[0]!.udts![0]).toEqual({
      name: "Motor", members: [{ name: "Speed", type: "REAL" }, { name: "Running", type: "BOOL" }, { name: "Faults", type: "DINT", dims: 4 }, { name: "Name", type: "STRING" }]
    })
  })

  it("a bad definition, or a tag of a structure not declared, is one line naming the entry and the field", () => {
    expect(bad(`controllers: [{ name: a, udts: ["Motor{Speed:FLOAT}"], tags: ["M=Motor"] }]`))
      .toMatch(/^controllers\[0\] \(a\): udts\[0\]: bad structure Motor: member Speed has unknown type FLOAT/)
    // A text the structure parser refuses: its own message, not the object form's "expected { … }".
    expect(bad(`controllers: [{ name: a, udts: ["Motor{Speed:REAL"] }]`)).toBe('controllers[0] (a): udts[0]: bad structure definition "Motor{Speed:REAL": expected NAME{Member:TYPE[n],…}')
    expect(bad(`controllers: [{ name: a, udts: ["A{x:INT}", "Bad"] }]`)).toBe('controllers[0] (a): udts[1]: bad structure definition "Bad": expected NAME{Member:TYPE[n],…}')
    // Neither a text nor an object: the Schema's words.
    expect(bad(`controllers: [{ name: a, udts: [5] }]`)).toMatch(/^controllers\[0\] \(a\): udts\[0\]: expected \{ readonly name: .*got 5$/)
    expect(bad(`controllers: [{ name: a, udts: [{ name: Motor, members: [] }] }]`)).toMatch(/^controllers\[0\] \(a\): udts/)
    expect(bad(`controllers: [{ name: a, udts: ["A{x:INT}", "B{a:A,b:C}"] }]`)).toMatch(/^controllers\[0\] \(a\): udts\[1\]: bad structure B: member b has unknown type C/)
    expect(bad(`controllers: [{ name: a, tags: ["M=Motor"] }]`)).toMatch(/^controllers\[0\] \(a\): tags\[0\]: bad tag spec "M=Motor": unknown type "Motor"/)
    expect(bad(`defaults: { udts: "Motor{Speed:REAL}" }\ncontrollers: []`)).toMatch(/^defaults\.udts: expected a list of structure definitions/)
  })

  it.live("each controller serves its structures: members and whole elements read back over EtherNet/IP", () =>
    Effect.gen(function* () {
      const fleet = yield* makeFleet(Either.getOrThrow(parseFleetConfig(FLEET, "yaml")))
      const port = (name: string) => fleet.controllers.get(name)!.server.address.port
      const line2 = yield* Client.connect({ host: "127.0.3.2", port: port("line2") })
      yield* line2.write("M[3].Speed", [1.5], "REAL")
      yield* line2.write("BOOLS[1].5", [true]) // BOOLS[37]: bit 5 of DWORD 1, by Read-Modify-Write
      expect(yield* line2.read("M[3]")).toEqual([{ Speed: 1.5, Running: false, Faults: [0, 0, 0, 0], Name: "" }])
      expect(yield* line2.read("BOOLS[1]")).toEqual([32])
      const line1 = yield* Client.connect({ host: "127.0.3.1", port: port("line1") })
      expect(yield* line1.read("M[3].Speed")).toEqual([0]) // its own store
      const cell = yield* Client.connect({ host: "127.0.3.9", port: port("cell") })
      yield* cell.write("C.Pump[1].Running", [true], "BOOL")
      expect(yield* cell.read("C")).toEqual([{ Pump: [{ Speed: 0, Running: false }, { Speed: 0, Running: true }], Count: 0 }])
    }).pipe(Effect.scoped, Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))))
})
