/**
 * What a session leaves and counts, over the socket double (sessionHarness.ts): no timer left
 * pending once it has ended, however it ended (idle, partial-frame bound, hold, linger, a re-arm
 * after the end); a session without stats serving both paths; latency in seconds, counted for
 * requests only (not for a framing error's reply); what a framing error tells the handler; frames
 * answered with nothing handled once; nothing handled behind a closing reply the consumer sent.
 */
import { afterEach, describe, expect, it, vi } from "vitest"
import { chunk, type Harness, startSession, turns, until } from "./sessionHarness.js"
import { frame, tooLong } from "./sessionFrames.js"

const open: Array<Harness> = []
const start = async (...args: Parameters<typeof startSession>) => {
  const h = await startSession(...args)
  open.push(h)
  return h
}
afterEach(async () => {
  vi.useRealTimers()
  for (const h of open.splice(0)) await h.done()
})
const fakeTimers = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 1_000_000 })

describe("a session's end leaves no timer", () => {
  it("ended by the peer while idle, partial-frame and hold timers run: none left", async () => {
    fakeTimers()
    const h = await start({ timeout: 5, congested: () => true })
    h.socket.feed(Buffer.concat([chunk(1, 1), frame(1, 2).subarray(0, 10)]))
    expect(vi.getTimerCount()).toBe(3) // idle, partial frame, hold
    h.socket.emit("end")
    await turns()
    expect(h.socket.destroyed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it("a re-arm after the end starts no idle timer", async () => {
    fakeTimers()
    const h = await start({ timeout: 5 })
    const entry = h.registry.entries()[0]!
    entry.drop()
    await turns()
    expect(vi.getTimerCount()).toBe(0)
    entry.rearm!()
    expect(vi.getTimerCount()).toBe(0)
  })

  it("a closing reply's linger ended by the peer's FIN: none left", async () => {
    fakeTimers()
    const h = await start({ timeout: 0 })
    h.socket.feed(chunk(3, 1))
    expect(vi.getTimerCount()).toBe(1) // the linger
    h.socket.emit("end")
    await turns()
    expect(vi.getTimerCount()).toBe(0)
  })

  it("closed at the partial-frame bound after bytes that did not complete it: none left", async () => {
    fakeTimers()
    const h = await start({ timeout: 0 })
    const f = frame(1, 1)
    h.socket.feed(f.subarray(0, 12))
    vi.advanceTimersByTime(6000)
    h.socket.feed(f.subarray(12, 20))
    vi.advanceTimersByTime(4000)
    await turns()
    expect(h.socket.destroyed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe("what a session counts and tells", () => {
  it("without stats it serves answers at once, later answers and framing errors alike", async () => {
    const h = await start({ stats: false })
    h.socket.feed(chunk(1, 1))
    h.socket.feed(Buffer.concat([chunk(4, 2), chunk(1, 3), tooLong()]))
    h.open(2)
    await until(() => h.replies().length === 4)
    expect(h.replies()).toEqual([1, 2, 3, 0xee])
    expect(h.stats.bytesIn).toBe(0)
    expect(h.stats.latencyCount).toBe(0)
  })

  it("latency is in seconds: an answer at once well under one, one held 30 ms at least 0.03", async () => {
    const h = await start()
    h.socket.feed(chunk(1, 1))
    expect(h.stats.latencyCount).toBe(1)
    expect(h.stats.latencySum).toBeGreaterThanOrEqual(0)
    expect(h.stats.latencySum).toBeLessThan(1)
    h.socket.feed(chunk(4, 2))
    await new Promise((r) => setTimeout(r, 30))
    h.open(2)
    await until(() => h.stats.latencyCount === 2)
    const second = h.stats.latencySum
    expect(second).toBeGreaterThanOrEqual(0.029)
    expect(second).toBeLessThan(30)
  })

  it("a framing error's reply is no request: its latency is not counted", async () => {
    const h = await start()
    h.socket.feed(Buffer.concat([chunk(4, 1), tooLong()]))
    h.open(1)
    await until(() => h.replies().length === 2)
    expect(h.replies()).toEqual([1, 0xee])
    await turns()
    expect(h.stats.latencyCount).toBe(1)
  })

  it("a framing error tells the handler the reason and the refused header", async () => {
    const h = await start()
    const bad = tooLong()
    h.socket.feed(Buffer.concat([chunk(1, 1), bad]))
    expect(h.framingErrors).toHaveLength(1)
    expect(h.framingErrors[0]!.reason).toMatch(/\S/)
    expect(Buffer.from(h.framingErrors[0]!.header!)).toEqual(Buffer.from(bad))
  })

  it("a frame answered with nothing is handled once; the next is answered at once", async () => {
    const h = await start()
    h.socket.feed(Buffer.concat([chunk(5, 1), chunk(1, 2)]))
    expect(h.replies()).toEqual([2])
    await turns()
    expect(h.seen).toEqual([1, 2])
  })

  it("a closing reply sent by the consumer: the frames queued behind it are not handled", async () => {
    const h = await start()
    h.socket.feed(Buffer.concat([chunk(4, 1), chunk(3, 2), chunk(1, 3)]))
    h.open(1)
    await until(() => h.socket.ended)
    await turns()
    expect(h.replies()).toEqual([1, 2])
    expect(h.seen).toEqual([1, 2])
  })
})
