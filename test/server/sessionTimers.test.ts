/**
 * A session's timers, with node's setTimeout/clearTimeout and Date faked so the test moves time
 * (Effect's Clock and sleep use them too): the idle timeout (closed after four quiet checks, one
 * period; a waiting answer or a byte keeps it open; a changed timeout applies when re-armed; 0 =
 * never), the bound on one frame's arrival (10 s, or the idle timeout when shorter; restarted by a
 * completed frame, not by bytes alone), the linger after FIN, the hold's 10 ms looks, and the
 * reply delay (from each frame's arrival; the consumer answering at most 16 frames per turn of
 * the event loop).
 */
import { Effect, Exit } from "effect"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { chunk, type Harness, startSession, turns } from "./sessionHarness.js"
import { frame, tooLong } from "./sessionFrames.js"

const open: Array<Harness> = []
const start = async (...args: Parameters<typeof startSession>) => {
  const h = await startSession(...args)
  open.push(h)
  return h
}
beforeEach(() => { vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 1_000_000 }) })
afterEach(async () => {
  vi.useRealTimers()
  for (const h of open.splice(0)) await h.done()
})

/** Move the faked clock `ms` on, then let what it woke settle. */
const advance = async (ms: number) => {
  vi.advanceTimersByTime(ms)
  await turns()
}
const isOpen = (h: Harness) => !h.socket.destroyed

describe("session timers", () => {
  it("idle: closed at the fourth quiet check (1 × the timeout), not before", async () => {
    const h = await start({ timeout: 1 })
    await advance(999)
    expect(isOpen(h)).toBe(true)
    await advance(1)
    expect(isOpen(h)).toBe(false)
    expect(h.exit()).toEqual(Exit.void)
  })

  it("idle: a whole frame re-arms it; the quiet checks count again from the next one", async () => {
    const h = await start({ timeout: 1 })
    await advance(900)
    h.socket.feed(chunk(1, 1))
    await advance(1099) // the check at 1,000 ms saw the byte; 1,250, 1,500, 1,750 were quiet
    expect(isOpen(h)).toBe(true)
    await advance(1) // 2,000 ms: the fourth
    expect(isOpen(h)).toBe(false)
  })

  it("idle: an answer still pending keeps the session open past the timeout", async () => {
    const h = await start({ timeout: 1 })
    h.socket.feed(chunk(4, 1))
    await advance(5000)
    expect(isOpen(h)).toBe(true)
    h.open(1)
    await turns()
    expect(h.replies()).toEqual([1])
    await advance(1250)
    expect(isOpen(h)).toBe(false)
  })

  it("idle: a timeout changed at run time applies when the session is re-armed (the old one no longer)", async () => {
    const h = await start({ timeout: 1 })
    await advance(500)
    await Effect.runPromise(h.control.setTimeout(5))
    h.registry.entries()[0]!.rearm!()
    await advance(4999)
    expect(isOpen(h)).toBe(true)
    await advance(1)
    expect(isOpen(h)).toBe(false)
  })

  it("idle: a timeout of 0 never closes; re-armed to 0, an armed timer stops", async () => {
    const h = await start({ timeout: 0 })
    await advance(3_600_000)
    expect(isOpen(h)).toBe(true)
    const g = await start({ timeout: 1 })
    await Effect.runPromise(g.control.setTimeout(0))
    g.registry.entries()[0]!.rearm!()
    await advance(10_000)
    expect(isOpen(g)).toBe(true)
  })

  it("a partial frame must complete within 10 s of its first byte (no idle timeout); more bytes alone do not extend it", async () => {
    const h = await start({ timeout: 0 })
    const f = frame(1, 1)
    h.socket.feed(f.subarray(0, 12))
    await advance(6000)
    h.socket.feed(f.subarray(12, 20))
    await advance(3999)
    expect(isOpen(h)).toBe(true)
    await advance(1)
    expect(isOpen(h)).toBe(false)
    expect(h.seen).toEqual([])
  })

  it("a partial frame: the bound is the idle timeout when shorter (3 s), 10 s when longer (20 s)", async () => {
    const short = await start({ timeout: 3 })
    const long = await start({ timeout: 20 })
    for (const h of [short, long]) h.socket.feed(frame(1, 1).subarray(0, 10))
    await advance(2999)
    expect(isOpen(short)).toBe(true)
    await advance(1)
    expect(isOpen(short)).toBe(false)
    await advance(6999)
    expect(isOpen(long)).toBe(true)
    await advance(1)
    expect(isOpen(long)).toBe(false)
  })

  it("a completed frame ends the bound; one begun in the same chunk gets a bound of its own", async () => {
    const h = await start({ timeout: 0 })
    const whole = await start({ timeout: 0 })
    const a = frame(1, 1)
    const b = frame(1, 2)
    h.socket.feed(a.subarray(0, 12))
    whole.socket.feed(a.subarray(0, 12))
    await advance(6000)
    h.socket.feed(Buffer.concat([a.subarray(12), b.subarray(0, 12)]))
    whole.socket.feed(a.subarray(12))
    expect(h.replies()).toEqual([1])
    await advance(9999) // 15,999 ms: b's first byte came at 6,000
    expect(isOpen(h)).toBe(true)
    await advance(1)
    expect(isOpen(h)).toBe(false)
    await advance(60_000)
    expect(isOpen(whole)).toBe(true)
  })

  it("after a closing reply's FIN, a peer that does not close is dropped 1 s later", async () => {
    const h = await start({ timeout: 0 })
    h.socket.feed(chunk(3, 1))
    expect(h.socket.ended).toBe(true)
    await advance(999)
    expect(h.socket.destroyed).toBe(false)
    await advance(1)
    expect(h.socket.destroyed).toBe(true)
    expect(h.exit()).toEqual(Exit.void)
  })

  it("held while history is behind, it looks again every 10 ms", async () => {
    let behind = true
    const h = await start({ timeout: 0, congested: () => behind })
    h.socket.feed(chunk(1, 1))
    expect(h.socket.isPaused).toBe(true)
    h.socket.feed(chunk(1, 2))
    await advance(30)
    expect(h.socket.waiting).toBe(1)
    behind = false
    await advance(9)
    expect(h.socket.isPaused).toBe(true)
    await advance(1)
    expect(h.socket.isPaused).toBe(false)
    expect(h.replies()).toEqual([1, 2])
  })

  it("the reply delay counts from each frame's arrival", async () => {
    const h = await start({ timeout: 0, delay: 0.2 })
    h.socket.feed(chunk(1, 1))
    await advance(150)
    h.socket.feed(chunk(1, 2))
    await advance(49)
    expect(h.replies()).toEqual([])
    await advance(1) // 200 ms
    expect(h.replies()).toEqual([1])
    await advance(149)
    expect(h.replies()).toEqual([1])
    await advance(1) // 350 ms: 200 after the second's arrival
    expect(h.replies()).toEqual([1, 2])
  })

  it("under a delay, a framing error's reply follows the frames before it at once (it is not delayed itself)", async () => {
    const h = await start({ timeout: 0, delay: 0.2 })
    h.socket.feed(chunk(1, 1))
    await advance(100)
    h.socket.feed(tooLong())
    await advance(100)
    expect(h.replies()).toEqual([1, 0xee])
    expect(h.socket.ended).toBe(true)
  })

  it("when a delay ends for many queued frames, the consumer answers 16, then lets the event loop take a turn", async () => {
    const h = await start({ timeout: 0, delay: 0.2 })
    h.socket.feed(chunk(1, ...Array.from({ length: 40 }, (_, i) => i)))
    await advance(199)
    expect(h.replies()).toEqual([])
    await advance(1)
    expect(h.replies()).toHaveLength(16)
    await advance(0)
    expect(h.replies()).toHaveLength(32)
    await advance(0)
    expect(h.replies()).toEqual(Array.from({ length: 40 }, (_, i) => i))
  })
})
