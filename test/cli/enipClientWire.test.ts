/**
 * `cpppo enip client` in-process (test/cli/inProcess.ts) against a recording listener on
 * 127.0.0.1 port 0 (test/cli/capture.ts): the bytes of the first CIP request show where `--send-path` and `--route-path`
 * went (the simulator answers with or without them, so its replies cannot tell).
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { capture } from "./capture.js"
import { runCpppo } from "./inProcess.js"

/** The CIP bytes `cpppo enip client ARGS… Y` sends first (the listener then hangs up: the read fails). */
const firstRequest = async (...args: ReadonlyArray<string>): Promise<Array<number>> => {
  const cap = await capture()
  try {
    const ran = await Effect.runPromise(runCpppo("enip", "client", "-a", `127.0.0.1:${cap.port}`, "-t", "2", ...args, "Y"))
    expect({ end: ran.end, exitCode: ran.exitCode, requests: cap.requests.length }).toEqual({ end: "ok", exitCode: 1, requests: 1 })
    return [...cap.requests[0]!]
  } finally {
    cap.close()
  }
}

/** Read Tag "Y", 1 element: service 0x4c, path 2 words (symbolic segment 0x91, length 1, "Y", pad), count 1. */
const READ_Y = [0x4c, 0x02, 0x91, 0x01, 0x59, 0x00, 0x01, 0x00]

describe("enip client: send path and route path on the wire", () => {
  it("by default an Unconnected Send to @6/1 routed 1/0; --send-path @6/2 and --route-path 1/3 are what is sent", async () => {
    const dflt = await firstRequest()
    expect(dflt.slice(0, 6)).toEqual([0x52, 0x02, 0x20, 0x06, 0x24, 0x01])
    expect(dflt.slice(8, 10 + READ_Y.length)).toEqual([READ_Y.length, 0x00, ...READ_Y])
    expect(dflt.slice(10 + READ_Y.length)).toEqual([0x01, 0x00, 0x01, 0x00])
    const other = await firstRequest("--send-path", "@6/2", "--route-path", "1/3")
    expect(other.slice(0, 6)).toEqual([0x52, 0x02, 0x20, 0x06, 0x24, 0x02])
    expect(other.slice(10 + READ_Y.length)).toEqual([0x01, 0x00, 0x01, 0x03])
  }, 20_000)

  it("--route-path none: the request alone (cpppo's simple device); --send-path '' too, whatever the route path", async () => {
    expect(await firstRequest("--route-path", "none")).toEqual(READ_Y)
    expect(await firstRequest("--route-path", " 0 ")).toEqual(READ_Y)
    expect(await firstRequest("--send-path", "")).toEqual(READ_Y)
  }, 20_000)
})
