/**
 * The package as another Effect app gets it: `npm pack`, then a fresh app installs the tarball with
 * `effect@3` (the other peers, @effect/platform, @effect/platform-node and @effect/cli, come with it,
 * as npm installs missing peers), type-checks an app that composes a simulator and a client Layer
 * in its own runtime, and runs it. One copy of `effect` must be installed, the app's; an app that
 * already has Effect 4 is refused by npm (a peer conflict), not silently given two copies.
 *
 * Needs the npm registry (or a warm npm cache); `--prefer-offline` reuses the cache `npm ci` filled.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { ROOT } from "../cli/cpppo.js"

const work = mkdtempSync(join(tmpdir(), "cpppo-pack-"))
// Two app trees of node_modules: removing them takes a while on a loaded machine.
afterAll(() => rm(work, { recursive: true, force: true }), 180_000)

interface Ran { readonly status: number | null; readonly stdout: string; readonly stderr: string; readonly seconds: number }

/** Run a program without blocking the test worker (its RPC with vitest must keep flowing). */
const exec = (command: string, args: ReadonlyArray<string>, cwd: string, timeout = 240_000): Promise<Ran> =>
  new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => { stdout += String(d) })
    child.stderr.on("data", (d) => { stderr += String(d) })
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout)
    child.on("close", (status) => { clearTimeout(timer); resolve({ status, stdout, stderr, seconds: (performance.now() - started) / 1000 }) })
  })

/** npm with the cache first; without the registry (and a cold cache) it fails in seconds, not minutes. */
const npm = (args: ReadonlyArray<string>, cwd: string) =>
  exec("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline", "--fetch-retries=1", "--fetch-timeout=15000", "--loglevel=error"], cwd)

const pack = async () => {
  const r = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT)
  expect(r.status, r.stderr).toBe(0)
  const [info] = JSON.parse(r.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
  return { tarball: join(work, info!.filename), files: info!.files.map((f) => f.path) }
}

/** What a user writes: the simulator and a client, composed as Layers, run in the app's runtime. */
const APP = `import { Effect, Layer } from "effect"
import { Client, Server } from "cpppo"

const Simulator = Server.SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["SCADA=INT[10]", "TEXT=STRING"] })
const MyClient = Layer.unwrapEffect(
  Effect.map(Server.EnipServer, ({ address }) => Client.Client.layer({ host: address.host, port: address.port }))
)
const App = MyClient.pipe(Layer.provideMerge(Simulator))

const program = Effect.gen(function* () {
  const client = yield* Client.Client
  yield* client.write("SCADA[0-2]", [1, 2, 3])
  yield* client.write("TEXT", ["hello"], "STRING")
  const read = yield* client.read("SCADA[0-2]")
  const stored = yield* (yield* Server.TagStore).read("TEXT", 0, 1)
  return { read: Array.from(read as ReadonlyArray<number>), stored }
})

const result: { read: Array<number>; stored: ReadonlyArray<unknown> } = await Effect.runPromise(program.pipe(Effect.provide(App)))
console.log(JSON.stringify(result))
`

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true,
    types: ["node"], skipLibCheck: true, outDir: "dist", rootDir: "."
  },
  files: ["main.ts"]
}

describe("the packed package in a fresh Effect 3 app", () => {
  it("npm pack → npm install tarball effect@3 → tsc → run: one effect copy, the Layer works", async () => {
    const { tarball, files } = await pack()
    expect(files).toContain("dist/index.js")
    expect(files).toContain("dist/index.d.ts")
    expect(files).toContain("dist/cli/bin.js")
    expect(files.some((f) => f.startsWith("test/") || f.startsWith("src/"))).toBe(false)

    const app = join(work, "app")
    mkdirSync(app)
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "my-plant-app", private: true, type: "module" }, null, 2))
    const install = await npm(["install", tarball, "effect@3", "@types/node@20"], app)
    expect(install.status, `npm install: ${install.stderr}`).toBe(0)

    const installed = (p: string) => JSON.parse(readFileSync(join(app, "node_modules", p, "package.json"), "utf8")) as { version: string; peerDependencies?: Record<string, string> }
    expect(installed("effect").version).toMatch(/^3\./)
    for (const peer of ["@effect/platform", "@effect/platform-node", "@effect/cli"]) expect(existsSync(join(app, "node_modules", peer)), peer).toBe(true)
    // No second copy of effect under the package (the bug: `self.build is not a function`).
    expect(existsSync(join(app, "node_modules", "cpppo", "node_modules", "effect"))).toBe(false)
    expect(installed("cpppo").peerDependencies?.["effect"]).toMatch(/^\^3\./)

    writeFileSync(join(app, "main.ts"), APP)
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2))
    const tsc = await exec(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], app)
    expect(tsc.status, `tsc: ${tsc.stdout}${tsc.stderr}`).toBe(0)

    const ran = await exec(process.execPath, ["dist/main.js"], app, 60_000)
    expect(ran.status, ran.stderr).toBe(0)
    expect(JSON.parse(ran.stdout.trim().split("\n").at(-1)!)).toEqual({ read: [1, 2, 3], stored: ["hello"] })

    console.log(`npm install ${install.seconds.toFixed(1)} s, tsc ${tsc.seconds.toFixed(1)} s, app run ${ran.seconds.toFixed(1)} s`)
    // The CLI installed with it runs too.
    const bin = await exec(process.execPath, [join(app, "node_modules", ".bin", "cpppo"), "--version"], app, 30_000)
    expect(bin.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  }, 300_000)

  it("an app that already has effect@4 is refused by npm (peer conflict), not given two copies", async () => {
    const { tarball } = await pack()
    const app = join(work, "app4")
    mkdirSync(app)
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "effect4-app", private: true, type: "module", dependencies: { effect: "^4.0.0-0" } }, null, 2))
    const r = await npm(["install", "--dry-run", tarball], app)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain("ERESOLVE")
    expect(r.stderr).toMatch(/peer effect@"\^3\./)
    expect(r.stderr).toContain("from cpppo@")
  }, 300_000)
})
