/**
 * The client's `--send-path`, `--priority-time-tick` and `--timeout-ticks`, checked on the wire:
 * the real binary talks to a capturing endpoint that answers RegisterSession and records the CIP
 * request of the first SendRRData.
 */
import { describe, expect, it } from "@effect/vitest"
import { decodeRequest } from "../../src/cip/request.js"
import { capture } from "./capture.js"
import { run } from "./cpppo.js"

describe("client send path and timeout ticks (real binary, bytes on the wire)", () => {
  it("default: Unconnected Send to @6/1 with tick 5 × 157, route 1/0; the flags change exactly those", async () => {
    const cap = await capture()
    try {
      const cases = [
        ["X"],
        ["--priority-time-tick", "3", "--timeout-ticks", "100", "X"],
        ["--send-path", "@6/2", "X"],
        ["--send-path", "", "X"],
        ["--send-path", "", "--route-path", "none", "X"]
      ]
      for (const extra of cases) {
        const r = await run(["enip", "client", "-a", `127.0.0.1:${cap.port}`, "-t", "2", ...extra])
        expect(r.status, `${extra.join(" ")}: ${r.stderr}`).toBe(1) // the endpoint hangs up: the read fails
      }
      const decoded = cap.requests.map((b) => decodeRequest(b))
      expect(decoded.every((d) => d._tag === "Right")).toBe(true)
      const [plain, ticks, other, bare, simple] = decoded.map((d) => (d._tag === "Right" ? d.right : undefined))
      expect(plain).toMatchObject({
        _tag: "UnconnectedSend", priorityTimeTick: 5, timeoutTicks: 157,
        path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }],
        routePath: [{ _tag: "Port", port: 1, link: 0 }],
        request: { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "X" }] }
      })
      expect(ticks).toMatchObject({ _tag: "UnconnectedSend", priorityTimeTick: 3, timeoutTicks: 100 })
      expect(other).toMatchObject({ _tag: "UnconnectedSend", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 2 }] })
      // cpppo's `--send-path ''`: the request goes as it is, without Unconnected Send.
      expect(bare).toMatchObject({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "X" }] })
      expect(simple).toMatchObject({ _tag: "ReadTag" })
      expect(cap.requests).toHaveLength(5)
    } finally {
      cap.close()
    }
  }, 120_000)

  it("a send path that is not @class/instance is a usage mistake", async () => {
    const r = await run(["enip", "client", "--send-path", "6", "X"])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(`cpppo: invalid send path "6": expected @class/instance such as @6/1, or ''\n`)
  }, 30_000)
})
