/**
 * What the README says about the source and the package, counted from them: the number of
 * `Context.Tag` services (the Effect 4 section) and the Node.js version the package requires
 * (Quick start and Install). A service added or removed, or a changed `engines` field, fails here
 * until the README says so too.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"

const ROOT = path.resolve(import.meta.dirname, "../..")
const README = readFileSync(path.join(ROOT, "README.md"), "utf8")

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath, e.name))

describe("README facts about the source", () => {
  it("the Effect 4 section counts the Context.Tag classes in src", () => {
    const said = /our (\d+) `Context\.Tag` classes/.exec(README)
    expect(said, "the README's count").not.toBeNull()
    const count = sources(path.join(ROOT, "src"))
      .reduce((n, f) => n + (readFileSync(f, "utf8").match(/\bextends Context\.Tag\(/g)?.length ?? 0), 0)
    expect(count).toBe(Number(said![1]))
  })

  it("Node.js ≥ 20.19, as package.json's engines field requires", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }
    expect(pkg.engines.node).toBe(">=20.19")
    const said = [...README.matchAll(/Node\.js ≥ (\d+\.\d+)/g)].map((m) => m[1])
    expect(said.length).toBeGreaterThanOrEqual(2)
    for (const v of said) expect(`>=${v}`).toBe(pkg.engines.node)
  })
})
