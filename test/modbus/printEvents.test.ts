/**
 * `cpppo modbus server -p` lines (src/modbus/print.ts): absolute addresses of the run's table in
 * the 5- or 6-digit form, coils as 1/0, writes `<=`, reads `==`, and errors as the exception a
 * Modbus client saw (a forced CIP status 1..11 as that exception, others as 04).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { formatRegisterEvent } from "../../src/modbus/print.js"
import { makeRegisterMap, planRuns } from "../../src/modbus/registers.js"
import type { TagEvent } from "../../src/tags/events.js"

const runs = Either.getOrThrow(planRuns(["40001-40010", "1-16", "30101-30102", "465530-465536"]))
const print = formatRegisterEvent(makeRegisterMap(runs.map((r) => ({ ...r, tag: undefined as never }))))
const ev = (e: Partial<TagEvent> & Pick<TagEvent, "name" | "kind">): TagEvent => ({ start: 0, count: 1, at: 0, ...e }) as TagEvent

describe("register I/O lines", () => {
  it("reads and writes at absolute addresses, right-aligned in 13 columns; coils print 1/0", () => {
    expect(print(ev({ name: "40001", kind: "read", start: 3, count: 4, values: [1, 2, 3, 4] }))).toBe("  40004-40007 == [1, 2, 3, 4]")
    expect(print(ev({ name: "1", kind: "write", start: 0, count: 3, values: [true, false, true] }))).toBe("          1-3 <= [1, 0, 1]")
    expect(print(ev({ name: "30101", kind: "read", start: 1, count: 1, values: [9] }))).toBe("        30102 == [9]")
    // A count of 0 still names the first address; an event without values prints [].
    expect(print(ev({ name: "40001", kind: "read", start: 0, count: 0 }))).toBe("        40001 == []")
    // 6-digit addresses make a range wider than 13 columns: it is not cut.
    expect(print(ev({ name: "465530", kind: "write", start: 0, count: 7, values: [0, 0, 0, 0, 0, 0, 0] })))
      .toBe("465530-465536 <= [0, 0, 0, 0, 0, 0, 0]")
  })

  it("a name that is no run prints as name[start]", () => {
    expect(print(ev({ name: "X", kind: "read", start: 2, values: [5] }))).toBe("         X[2] == [5]")
  })

  it("errors: a forced status 1..11 is that exception, another status 04; other text as it is", () => {
    const err = (error: string | undefined) => print(ev({ name: "40001", kind: "error", ...(error !== undefined ? { error } : {}) }))
    expect(err("40001: Status 6 (busy)")).toBe("        40001 !! exception 06 (server device busy)")
    expect(err("40001: Status 1")).toBe("        40001 !! exception 01 (illegal function)")
    expect(err("40001: Status 11")).toMatch(/!! exception 0b \(/)
    expect(err("40001: Status 12")).toBe("        40001 !! exception 04 (server device failure)")
    expect(err("40001: Status 0")).toBe("        40001 !! exception 04 (server device failure)")
    expect(err("something else")).toBe("        40001 !! something else")
    expect(err("40001: Status 61x")).toBe("        40001 !! 40001: Status 61x")
    // Only a "name: Status N" message is a forced status; the status must follow the first colon.
    expect(err("read failed: 40001: Status 6")).toBe("        40001 !! read failed: 40001: Status 6")
    expect(err(undefined)).toBe("        40001 !! error")
  })
})
