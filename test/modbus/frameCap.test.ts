/**
 * A Modbus frame cut short is held at most 10 s from its first byte (the idle timeout, 120 s by
 * default, is the other bound): a client trickling one byte a second of a frame that never
 * completes is not idle, and is still closed about 10 s after the frame began, while another
 * client is served. A generous wall-clock window, not a speed bound: the cap itself is the claim.
 */
import { describe, expect, it } from "@effect/vitest"
import { rawModbus, toHex, withDevice } from "./helpers.js"

describe("Modbus frame completion cap", () => {
  it("a frame trickled a byte a second is cut off about 10 s after its first byte; others are served", async () => {
    await withDevice({ registers: ["40001=7"] }, async (d) => {
      expect(d.control.unsafeState().timeout).toBe(120)
      const c = await rawModbus(d.address.port)
      // MBAP announcing 254 bytes (unit + 253-byte PDU): only ever a few of them arrive.
      const frame = Buffer.from("0001" + "0000" + "00fe" + "01" + "10".repeat(253), "hex")
      const t0 = Date.now()
      let sent = 0
      let closedAt: number | undefined
      while (closedAt === undefined && Date.now() - t0 < 25_000) {
        if (sent < frame.length) c.send(frame.subarray(sent, ++sent))
        if (await c.closed(1000)) closedAt = Date.now() - t0
      }
      expect(closedAt).toBeDefined()
      // Not at the first second of silence (no short cap), not at 120 s: at about 10 s.
      expect(closedAt!).toBeGreaterThan(8000)
      expect(closedAt!).toBeLessThan(18_000)
      const other = await rawModbus(d.address.port)
      other.send("000200000006" + "01" + "0300000001")
      expect(toHex(await other.adu())).toBe("00020000000501" + "03020007")
      other.close()
    })
  }, 40_000)
})
