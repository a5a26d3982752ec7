/**
 * README, "Docker": the image runs `cpppo enip server -a 0.0.0.0:44818` with the tag specs given
 * as arguments (`SCADA=INT[1000]` when none), and exposes 44818/tcp, 44818/udp and 8080/tcp.
 * Without Docker, the Dockerfile's ENTRYPOINT and CMD are run as the container would run them,
 * by the package's own binary (the address moved to a free loopback port: the test's only change).
 */
import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { run, start } from "../cli/cpppo.js"

const root = join(import.meta.dirname, "..", "..")
const dockerfile = readFileSync(join(root, "docker", "Dockerfile"), "utf8")
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; bin: Record<string, string> }
const json = (instruction: string): Array<string> => {
  const m = new RegExp(`^${instruction} (\\[.*\\])$`, "m").exec(dockerfile)
  expect(m, `the Dockerfile has a ${instruction} in exec form`).not.toBeNull()
  return JSON.parse(m![1]!) as Array<string>
}

describe("docker/Dockerfile", () => {
  it("exposes 44818/tcp, 44818/udp and 8080/tcp; the entry point is the package's cpppo binary: enip server -a 0.0.0.0:44818", () => {
    expect(/^EXPOSE (.*)$/m.exec(dockerfile)?.[1]?.split(/\s+/).sort()).toEqual(["44818/tcp", "44818/udp", "8080/tcp"])
    expect(json("ENTRYPOINT")).toEqual(["node", `node_modules/${pkg.name}/${pkg.bin["cpppo"]}`, "enip", "server", "-a", "0.0.0.0:44818"])
    expect(json("CMD")).toEqual(["SCADA=INT[1000]"])
  })

  it("ENTRYPOINT + CMD, run by the binary, serve SCADA=INT[1000]; arguments given replace the CMD's tags", async () => {
    const [, , ...args] = json("ENTRYPOINT")
    const cmd = json("CMD")
    for (const [extra, read, want] of [
      [cmd, "SCADA[999]", /SCADA\[999\]\[999-999\]\+  0 == \[0\]: 'OK'/],
      [["TEXT=STRING", "Speed=REAL"], "Speed", /Speed +== \[0(\.0)?\]: 'OK'/]
    ] as const) {
      const server = start([...args, ...extra, "--no-config", "-a", "127.0.0.1:0", "-A"])
      try {
        const address = await server.line(/^127\.0\.0\.1:\d+$/)
        const r = await run(["enip", "client", "-p", "-a", address, read, "SCADA[0]"])
        expect(r.stdout).toMatch(want)
        expect(r.stdout).toMatch(extra === cmd ? /SCADA\[0\]\[ *0-0 *\]\+  0 == \[0\]: 'OK'/ : /SCADA\[0\].* == None/)
      } finally {
        await server.stop()
      }
    }
  }, 60_000)
})
