/**
 * What the README says about the source and the package, counted from them: the number of
 * `Context.Tag` services (the Effect 4 section) and the Node.js version the package requires
 * (Quick start and Install), the package's namespaces (Install and Development) and the folders of
 * `src/` (Development's tree). A service, namespace or folder added or removed, or a changed
 * `engines` field, fails here until the README says so too.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import * as Package from "../../src/index.js"

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

  it("the namespaces the package exports, as Install and Development list them", () => {
    const exported = Object.keys(Package).filter((k) => /^[A-Z][a-z]+$/.test(k)).sort()
    expect(exported.length).toBeGreaterThanOrEqual(14)
    const listed = /The namespaces: ((?:`[A-Za-z]+`,?\s*)+)\./.exec(README)
    expect(listed, "Install's list").not.toBeNull()
    expect([...listed![1]!.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]).sort()).toEqual(exported)
    const imported = /The public API: `import \{ ([A-Za-z, ]+) \} from "cpppo"`/.exec(README)
    expect(imported, "Development's import").not.toBeNull()
    expect(imported![1]!.split(", ").sort()).toEqual(exported)
  })

  it("Development's tree names every folder of src/", () => {
    const start = README.indexOf("## Development\n\n```\nsrc/")
    expect(start).toBeGreaterThan(0)
    const tree = README.slice(start, README.indexOf("```", start + 20))
    const dirs = readdirSync(path.join(ROOT, "src"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
    expect(dirs.length).toBeGreaterThanOrEqual(15)
    for (const d of dirs) expect(tree, d).toMatch(new RegExp(`(^|\\s)${d}/\\s`, "m"))
  })
})
