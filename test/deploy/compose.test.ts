/**
 * docker/compose.yaml: every PLC container has its own address on the user-defined network and
 * is reached there at port 44818 (never remapped), with its own serial number; each command is
 * a valid `cpppo enip server` command line (tag specs parse).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parse } from "yaml"
import { parseIpv4 } from "../../src/server/addressRange.js"
import { parseTagSpec } from "../../src/tags/spec.js"

const root = join(import.meta.dirname, "..", "..")
const compose = parse(readFileSync(join(root, "docker", "compose.yaml"), "utf8"), { merge: true }) as {
  networks: Record<string, { ipam: { config: Array<{ subnet: string; gateway: string }> } }>
  services: Record<string, { build: unknown; command: Array<string>; networks: Record<string, { ipv4_address: string }>; ports?: Array<string> }>
}
const dockerfile = readFileSync(join(root, "docker", "Dockerfile"), "utf8")

/** Options of `enip server` that take a value (the rest of the command is tag specs). */
const WITH_VALUE = new Set(["-w", "--web", "-d", "--delay", "--serial", "--product-name", "--vendor", "--route-path", "--idle-timeout", "--max-sessions"])

describe("docker/compose.yaml", () => {
  it("gives each PLC its own address on the plant network, at port 44818", () => {
    expect(dockerfile).toMatch(/ENTRYPOINT \[.*"enip", "server", "-a", "0\.0\.0\.0:44818"\]/)
    const [netName, net] = Object.entries(compose.networks)[0]!
    const { subnet, gateway } = net.ipam.config[0]!
    const [base, bits] = subnet.split("/")
    const mask = (~0 << (32 - Number(bits))) >>> 0
    const network = parseIpv4(base!)!
    const seen = new Set<string>()
    const services = Object.entries(compose.services)
    expect(services.length).toBeGreaterThanOrEqual(3)
    for (const [name, svc] of services) {
      expect(svc.build, name).toBeDefined()
      const ip = svc.networks[netName]!.ipv4_address
      const n = parseIpv4(ip)!
      expect((n & mask) >>> 0, `${name} ${ip} in ${subnet}`).toBe(network)
      expect([network, (network | ~mask) >>> 0, parseIpv4(gateway)]).not.toContain(n)
      expect(seen.has(ip), `${name}: ${ip} used twice`).toBe(false)
      seen.add(ip)
      for (const p of svc.ports ?? []) expect(p, `${name} must not remap the EtherNet/IP port`).not.toMatch(/44818/)
    }
  })

  it("runs a valid simulator command line in each container, with distinct serials", () => {
    const serials = new Set<string>()
    for (const [name, svc] of Object.entries(compose.services)) {
      const specs: Array<string> = []
      for (let i = 0; i < svc.command.length; i++) {
        const a = svc.command[i]!
        if (WITH_VALUE.has(a)) {
          if (a === "--serial") serials.add(svc.command[i + 1]!)
          i++
        } else if (a.startsWith("-")) throw new Error(`${name}: unexpected option ${a}`)
        else specs.push(a)
      }
      expect(specs.length, name).toBeGreaterThan(0)
      for (const s of specs) expect(Either.isRight(parseTagSpec(s)), `${name}: ${s}`).toBe(true)
    }
    expect(serials.size).toBe(Object.keys(compose.services).length)
  })
})
