/**
 * Things a cpppo user meets on switching, through the real binary: tags without a type are INT,
 * the server's `-p` and the client's `-p` print strings alike (Python's repr, as cpppo), a read of
 * an unknown tag prints a line on the server, `-T` serves only UDP List*, and `-A` prints an IPv6
 * address the client takes back (`[::1]:PORT`).
 */
import { describe, expect, it } from "@effect/vitest"
import { run, start } from "./cpppo.js"

describe("cpppo parity (real binary)", () => {
  it("SCADA[10] and PLAIN are INT tags; -p lines agree on both sides; an unknown tag prints a line", async () => {
    const server = start(["enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "-p", "SCADA[10]", "PLAIN", "TEXT=STRING", "R=REAL"])
    try {
      const address = await server.line(/^127\.0\.0\.1:\d+$/)
      const r = await run(["enip", "client", "-a", address, "-p", "SCADA[9]=-7", "SCADA[8-9]", "PLAIN=3", "PLAIN", "TEXT=(STRING)it's", "TEXT", "R=1.0", "R", "BOGUS"])
      expect(r.status).toBe(1) // BOGUS failed
      expect(r.stdout.split("\n").filter((l) => l !== "")).toEqual([
        "            SCADA[9][  9-9  ]+  0 <= [-7]: 'OK'",
        "            SCADA[8][  8-9  ]+  0 == [0, -7]: 'OK'",
        "               PLAIN              <= [3]: 'OK'",
        "               PLAIN              == [3]: 'OK'",
        "                TEXT              <= [\"it's\"]: 'OK'",
        "                TEXT              == [\"it's\"]: 'OK'",
        "                   R              <= [1.0]: 'OK'",
        "                   R              == [1.0]: 'OK'",
        "               BOGUS              == None: 'Status 5 [0x0000] (path destination unknown)'"
      ])
      await server.line(/BOGUS/)
      expect(server.stdout.slice(1)).toEqual([
        "               SCADA[    9-9    ] <= [-7]",
        "               SCADA[    8-9    ] == [0, -7]",
        "               PLAIN[    0-0    ] <= [3]",
        "               PLAIN[    0-0    ] == [3]",
        "                TEXT[    0-0    ] <= [\"it's\"]",
        "                TEXT[    0-0    ] == [\"it's\"]",
        "                   R[    0-0    ] <= [1.0]",
        "                   R[    0-0    ] == [1.0]",
        "               BOGUS[    0-0    ] !! BOGUS: unknown tag"
      ])
    } finally {
      expect(await server.stop()).toBe(0)
    }
  }, 60_000)

  it("-A prints IPv6 as [::1]:PORT, which the client takes as its -a", async () => {
    const server = start(["enip", "server", "-a", "[::1]:0", "-A", "-U", "X=DINT"])
    try {
      const address = await server.line(/^\[::1\]:\d+$/)
      const r = await run(["enip", "client", "-a", address, "-p", "X=(DINT)5", "X"])
      expect(r.stderr).toBe("")
      expect(r.stdout).toContain("                   X              == [5]: 'OK'")
      expect(r.status).toBe(0)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  }, 60_000)

  it("-T (--no-tcp): List Identity answered on UDP, TCP refused", async () => {
    const server = start(["enip", "server", "-a", "127.0.0.1:0", "-A", "-T", "X"])
    try {
      const address = await server.line(/^127\.0\.0\.1:\d+$/)
      const [udp, tcp] = await Promise.all([run(["enip", "client", "-a", address, "-u", "-i"]), run(["enip", "client", "-a", address, "-t", "2", "X"])])
      expect(udp.status, udp.stderr).toBe(0)
      expect(udp.stdout).toContain("1756-L61/B LOGIX5561")
      expect(tcp.status).toBe(1)
      expect(tcp.stdout).toMatch(/cannot connect to 127\.0\.0\.1:\d+: connect ECONNREFUSED/)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  }, 60_000)
})
