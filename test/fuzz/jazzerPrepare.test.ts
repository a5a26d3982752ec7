/**
 * The ELF edit that lets Jazzer.js 4's prebuilt addon load on glibc 2.36 (scripts/fuzz/jazzer/
 * prepare.ts): renaming version needs must write names and hashes the dynamic loader accepts.
 */
import { existsSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { addonPath, elfHash, RENAMES, renameVersionNeeds, versionNeeds } from "../../scripts/fuzz/jazzer/prepare.js"

const shipped = (): Buffer => {
  const a = addonPath()
  return readFileSync(existsSync(`${a}.orig`) ? `${a}.orig` : a)
}

describe("Jazzer addon patch", () => {
  it("elfHash gives the hash the linker wrote for every version the shipped addon needs", () => {
    const needs = versionNeeds(shipped())
    expect(needs.map((n) => n.name)).toEqual(expect.arrayContaining(["GLIBC_2.38", "GLIBC_2.34", "GLIBCXX_3.4.32", "GLIBCXX_3.4.30"]))
    for (const n of needs) expect([n.name, elfHash(n.name)]).toEqual([n.name, n.hash])
  })
  it("renames GLIBC_2.38 → 2.34 and GLIBCXX_3.4.32 → 3.4.30 with their hashes, touching nothing else", () => {
    const before = shipped()
    const elf = Buffer.from(before)
    expect(renameVersionNeeds(elf, RENAMES)).toEqual(["GLIBC_2.38 → GLIBC_2.34", "GLIBCXX_3.4.32 → GLIBCXX_3.4.30"])
    const after = versionNeeds(elf)
    expect(after.map((n) => n.name)).not.toContain("GLIBC_2.38")
    expect(after.map((n) => n.name)).not.toContain("GLIBCXX_3.4.32")
    for (const n of after) expect(n.hash).toBe(elfHash(n.name))
    const changed = [...elf.keys()].filter((i) => elf[i] !== before[i]).length
    expect(changed).toBeGreaterThan(0)
    expect(changed).toBeLessThanOrEqual(2 * (4 + "GLIBCXX_3.4.32".length))
  })
})
