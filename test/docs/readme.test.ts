/**
 * The README's examples, as a user of the package meets them: every ```ts block of README.md
 * imports from "cpppo" (or effect, @effect/*, node:*), and all of them, with every file of
 * examples/, type-check in one program against the package (the "cpppo" import mapped to
 * src/index.ts, so no build is needed). Blocks marked `runnable` are run with tsx, and what they
 * print must be what the README shows beneath them. A README edit that breaks an example fails here.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import ts from "typescript"
import { afterAll, beforeAll } from "vitest"
import { type CodeBlock, codeBlocks, importsOf } from "./codeBlocks.js"

const ROOT = path.resolve(import.meta.dirname, "../..")
const README = path.join(ROOT, "README.md")
const blocks = codeBlocks("README.md", fs.readFileSync(README, "utf8"))

const listTs = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
const exampleFiles = listTs(path.join(ROOT, "examples"))

/** What user code may import: the package, Effect and node's built-ins. */
const allowed = (spec: string): boolean =>
  spec === "cpppo" || spec === "effect" || spec.startsWith("effect/") || spec.startsWith("@effect/") || spec.startsWith("node:")

const blockFile = (b: CodeBlock) => `readme-${String(b.line).padStart(4, "0")}.ts`

let dir = ""
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-readme-"))
  // The blocks live outside the repository, as a user's app would; they find the packages and
  // the repository's examples through links.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir")
  fs.symlinkSync(path.join(ROOT, "examples"), path.join(dir, "examples"), "dir")
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }))
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
    extends: path.join(ROOT, "tsconfig.json"),
    compilerOptions: {
      // Examples declare values to show them; unused ones are fine in a README.
      noUnusedLocals: false,
      paths: { cpppo: [path.join(ROOT, "src/index.ts")] }
    },
    include: [],
    files: [...blocks.map(blockFile), ...exampleFiles]
  }, null, 2))
  for (const b of blocks) fs.writeFileSync(path.join(dir, blockFile(b)), `${b.code}\n`)
})
afterAll(() => {
  if (dir !== "") fs.rmSync(dir, { recursive: true, force: true })
})

/** `README.md:LINE` (or the example's path) and the message of a diagnostic. */
const where = (d: ts.Diagnostic): string => {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n")
  if (d.file === undefined || d.start === undefined) return message
  const { line } = d.file.getLineAndCharacterOfPosition(d.start)
  const name = path.basename(d.file.fileName)
  const block = blocks.find((b) => blockFile(b) === name)
  const at = block !== undefined ? `README.md:${block.line + line}` : `${path.relative(ROOT, d.file.fileName)}:${line + 1}`
  return `${at}: ${message}`
}

// At most two blocks run at once: each is a node + tsx process, and the suite shares 2 cores.
let running = 0
const waiting: Array<() => void> = []
const slot = async <A>(f: () => Promise<A>): Promise<A> => {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r))
  running++
  try {
    return await f()
  } finally {
    running--
    waiting.shift()?.()
  }
}

const run = (file: string): Promise<{ code: number | null; stdout: string; stderr: string }> => slot(() =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", TZ: "UTC" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (b: Buffer) => { stdout += b.toString() })
    child.stderr.on("data", (b: Buffer) => { stderr += b.toString() })
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  }))

/** Lines without trailing spaces, and no trailing blank lines. */
const normalize = (text: string) => text.split("\n").map((l) => l.trimEnd()).join("\n").replace(/\n+$/, "")

/**
 * The printed text, with each `…` of the README's lines standing for whatever was printed there
 * (ports, times), so the comparison shows the README's line wherever a line matches.
 */
const matchShown = (printed: string, shown: string): string => {
  const want = normalize(shown).split("\n")
  const got = normalize(printed).split("\n")
  return got.map((line, i) => {
    const w = want[i]
    if (w === undefined || !w.includes("…")) return line
    const pattern = new RegExp(`^${w.split("…").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*?")}$`)
    return pattern.test(line) ? w : line
  }).join("\n")
}

describe("README.md and examples/", () => {
  it("has TypeScript examples, some of them runnable", () => {
    expect(blocks.length).toBeGreaterThan(10)
    expect(blocks.filter((b) => b.runnable).length).toBeGreaterThan(2)
  })

  it("imports only from cpppo, effect, @effect/* and node:* (examples also from each other)", () => {
    const inExamples = (from: string, spec: string) => path.resolve(path.dirname(from), spec).startsWith(path.join(ROOT, "examples"))
    const bad = [
      ...blocks.flatMap((b) =>
        importsOf(b.code).filter((s) => !allowed(s) && !s.startsWith("./examples/")).map((s) => `README.md:${b.line}: ${s}`)),
      ...exampleFiles.flatMap((f) =>
        importsOf(fs.readFileSync(f, "utf8"))
          .filter((s) => s.startsWith(".") ? !inExamples(f, s) : !allowed(s) && !(f.endsWith(".test.ts") && /^(@effect\/)?vitest$/.test(s)))
          .map((s) => `${path.relative(ROOT, f)}: ${s}`))
    ]
    expect(bad).toEqual([])
  })

  it("every block and example type-checks against the package, in one program", () => {
    const host: ts.ParseConfigFileHost = {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(where(d)) }
    }
    const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, "tsconfig.json"), {}, host)
    if (config === undefined) throw new Error("no tsconfig")
    expect(config.errors.map(where)).toEqual([])
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options })
    const problems = ts.getPreEmitDiagnostics(program).map(where)
    expect(problems).toEqual([])
  }, 180_000)

  const runnable = blocks.filter((b) => b.runnable)
  it.concurrent.each(runnable.map((b) => [b.line, b] as const))("the runnable block at README.md:%i prints what the README shows", async (_line, b) => {
    expect(b.expected, `README.md:${b.line}: a runnable block needs its output in the block right after it`).toBeDefined()
    const { code, stdout, stderr } = await run(blockFile(b))
    expect(stderr).toBe("")
    expect(code).toBe(0)
    expect(matchShown(stdout, b.expected ?? "")).toBe(normalize(b.expected ?? ""))
  }, 90_000)
})
