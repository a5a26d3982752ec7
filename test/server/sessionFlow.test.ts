/**
 * A session's flow control over a socket double (sessionHarness.ts), where a real socket would
 * hide it: requests answered inside the read callback (64 of one chunk, the rest on the
 * consumer's turn) and their replies leaving in one write; reading stopped past `maxQueued`
 * waiting bytes and restarted at half; the hold while history is behind, which answering the
 * queue does not lift; a peer that does not read closed past `maxOutput`; the unsent and waiting
 * bytes counted against the process budget and shed past it; what closes a session (a closing
 * reply, the socket's 'end', 'close' and 'error', a socket already destroyed) and what it gives
 * back (registry entry, `admitted`, the handler's close).
 */
import { Exit } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { makeProcessLimits } from "../../src/server/limits.js"
import { FakeSocket } from "./fakeSocket.js"
import { chunk, type Harness, startSession, turns, until } from "./sessionHarness.js"
import { tooLong } from "./sessionFrames.js"

const open: Array<Harness> = []
const start = async (...args: Parameters<typeof startSession>) => {
  const h = await startSession(...args)
  open.push(h)
  return h
}
afterEach(async () => { for (const h of open.splice(0)) await h.done() })

/** A session whose peer does not read (its replies stay unsent), answered frames 1 and 2 already. */
const stalled = async (options: Parameters<typeof startSession>[0] = {}) => {
  const socket = new FakeSocket()
  socket.peerReading = false
  const h = await start({ ...options, socket })
  h.socket.feed(chunk(1, 1))
  h.socket.feed(chunk(1, 2))
  return h
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

describe("session flow", () => {
  it("a socket that knows neither address: the handler and the registry see ? and port 0", async () => {
    const socket = new FakeSocket()
    socket.remoteAddress = undefined
    socket.remotePort = undefined
    socket.localAddress = undefined
    socket.localPort = undefined
    const h = await start({ socket })
    expect(h.info).toEqual([{ peer: "?", peerPort: 0, local: "?", localPort: 0 }])
    expect(h.registry.get("?_0")).toMatchObject({ interface: "?", port: 0, local: "?", localPort: 0 })
  })

  it("the peer's addresses as the socket has them, in the handler's info and the registry key", async () => {
    const h = await start()
    expect(h.info).toEqual([{ peer: "127.0.0.9", peerPort: 50_000, local: "127.0.0.1", localPort: 44_818 }])
    expect(h.registry.get("127_0_0_9_50000")).toBeDefined()
  })

  it("one frame is answered before the read callback returns", async () => {
    const h = await start()
    h.socket.feed(chunk(1, 7))
    expect(h.replies()).toEqual([7])
    expect(h.socket.flushes).toHaveLength(1)
  })

  it("a chunk of 100 frames: 64 answered in the read callback in one write, the rest on the consumer's turn, in order", async () => {
    const h = await start()
    h.socket.feed(chunk(1, ...range(0, 100)))
    expect(h.socket.flushes).toHaveLength(1)
    expect(h.replies()).toEqual(range(0, 64))
    await until(() => h.replies().length === 100)
    expect(h.replies()).toEqual(range(0, 100))
    expect(h.registry.entries()[0]!.requests).toBe(100)
  })

  it("past maxQueued bytes waiting for answers it stops reading; it reads again when half or less wait", async () => {
    const h = await start({ maxQueued: 50 })
    h.socket.feed(chunk(4, 1, 2)) // 50 bytes wait: not past the bound
    expect(h.socket.isPaused).toBe(false)
    h.socket.feed(chunk(4, 3)) // 75 bytes: past it
    expect(h.socket.isPaused).toBe(true)
    h.socket.feed(chunk(1, 4))
    expect(h.socket.waiting).toBe(1)
    expect(h.seen).toEqual([1])
    h.open(1)
    await turns()
    expect(h.replies()).toEqual([1])
    expect(h.socket.isPaused).toBe(true) // 50 bytes still wait: more than half
    expect(h.socket.waiting).toBe(1)
    h.open(2)
    await turns()
    expect(h.replies()).toEqual([1, 2])
    expect(h.socket.isPaused).toBe(false) // 25 bytes: half
    expect(h.socket.waiting).toBe(0)
    h.open(3)
    await turns()
    expect(h.replies()).toEqual([1, 2, 3, 4])
    expect(h.seen).toEqual([1, 2, 3, 4])
  })

  it("maxQueued is 1 MiB by default: 41,943 waiting 25-byte frames (1,048,575 bytes) keep it reading, one more stops it", async () => {
    const h = await start()
    h.socket.feed(chunk(4, ...range(1, 41_944)))
    expect(h.socket.isPaused).toBe(false)
    expect(h.seen).toEqual([1])
    h.socket.feed(chunk(4, 41_944))
    expect(h.socket.isPaused).toBe(true)
  })

  it("while history is behind, answering the queue does not restart reading; catching up does", async () => {
    let behind = true
    const h = await start({ maxQueued: 50, congested: () => behind })
    h.socket.feed(chunk(4, 1, 2, 3))
    h.socket.feed(chunk(1, 4))
    expect(h.socket.waiting).toBe(1)
    h.open(1)
    h.open(2)
    h.open(3)
    await turns()
    expect(h.replies()).toEqual([1, 2, 3])
    expect(h.socket.isPaused).toBe(true)
    expect(h.socket.waiting).toBe(1)
    behind = false
    await until(() => h.replies().length === 4)
    expect(h.replies()).toEqual([1, 2, 3, 4])
  })

  it("history catching up does not restart reading while the queue is still past its bound", async () => {
    let behind = true
    const h = await start({ maxQueued: 50, congested: () => behind })
    h.socket.feed(chunk(4, 1, 2, 3))
    h.socket.feed(chunk(1, 4))
    behind = false
    await new Promise((r) => setTimeout(r, 50)) // several of the hold's 10 ms looks
    expect(h.socket.isPaused).toBe(true)
    expect(h.socket.waiting).toBe(1)
    h.open(1)
    h.open(2)
    await turns()
    expect(h.socket.isPaused).toBe(false)
    h.open(3)
    await turns()
    expect(h.replies()).toEqual([1, 2, 3, 4])
  })

  it("a peer that does not read: closed once more than maxOutput bytes are unsent, and nothing after is answered", async () => {
    const h = await stalled({ maxOutput: 75 })
    h.socket.feed(chunk(1, 3))
    expect(h.socket.writableLength).toBe(75) // at the bound, not past it
    expect(h.socket.destroyed).toBe(false)
    h.socket.feed(chunk(1, 4, 5))
    expect(h.socket.destroyed).toBe(true)
    expect(h.seen).toEqual([1, 2, 3, 4])
    expect(h.stats.bytesOut).toBe(100)
    await turns()
    expect(h.exit()).toEqual(Exit.void)
    expect(h.registry.size()).toBe(0)
  })

  it("unsent replies and waiting requests count against the process budget; drained, the replies no longer do", async () => {
    const limits = makeProcessLimits({ fdLimit: undefined, maxBytes: 1000 })
    const h = await stalled({ limits })
    expect(limits.stats().held).toBe(50)
    h.socket.feed(chunk(4, 3))
    expect(limits.stats().held).toBe(75) // 50 unsent + 25 waiting
    h.socket.peerReads()
    expect(h.replies()).toEqual([1, 2])
    expect(limits.stats().held).toBe(25)
    h.open(3)
    await turns()
    expect(h.replies()).toEqual([1, 2, 3])
  })

  it("past the process budget the session holding the most is shed", async () => {
    const limits = makeProcessLimits({ fdLimit: undefined, maxBytes: 60 })
    const h = await stalled({ limits })
    expect(h.socket.destroyed).toBe(false)
    h.socket.feed(chunk(1, 3))
    expect(h.socket.destroyed).toBe(true)
    expect(limits.stats().shed).toBe(1)
    await turns()
    expect(h.exit()).toEqual(Exit.void)
    expect(limits.stats().held).toBe(0)
  })

  it("a closing reply: sent, then FIN; later frames, in its chunk or after, are not answered", async () => {
    const h = await start()
    h.socket.feed(Buffer.concat([chunk(1, 1), chunk(3, 2), chunk(1, 3)]))
    expect(h.replies()).toEqual([1, 2])
    expect(h.socket.ended).toBe(true)
    expect(h.socket.destroyed).toBe(false) // the peer may still read what was sent
    h.socket.feed(chunk(1, 4))
    h.socket.feed(tooLong())
    expect(h.seen).toEqual([1, 2])
    expect(h.replies()).toEqual([1, 2])
    expect(h.socket.refusedWrites).toBe(0)
    h.socket.emit("end")
    expect(h.socket.destroyed).toBe(true)
    await turns()
    expect(h.exit()).toEqual(Exit.void)
  })

  it("a framing error the handler answers with nothing: the session closes without a reply", async () => {
    const h = await start({ framingReply: false })
    h.socket.feed(Buffer.concat([chunk(1, 1), tooLong()]))
    expect(h.replies()).toEqual([1])
    expect(h.socket.ended).toBe(true)
  })

  it("a framing error behind a waiting answer: its reply follows that answer, then FIN", async () => {
    const h = await start()
    h.socket.feed(Buffer.concat([chunk(4, 1), tooLong()]))
    expect(h.replies()).toEqual([])
    h.open(1)
    await turns()
    expect(h.replies()).toEqual([1, 0xee])
    expect(h.socket.ended).toBe(true)
  })

  it("the peer's FIN ('end') ends the session: eof set, entry removed, admitted and the handler released once", async () => {
    const h = await start()
    const entry = h.registry.entries()[0]!
    h.socket.emit("end")
    await turns()
    expect(entry.eof).toBe(true)
    expect(h.exit()).toEqual(Exit.void)
    expect(h.registry.size()).toBe(0)
    expect(h.counts).toEqual({ handlerClosed: 1, admittedReleased: 1 })
  })

  for (const event of ["close", "error"] as const) {
    it(`the socket's '${event}' ends the session (not as an eof)`, async () => {
      const h = await start()
      const entry = h.registry.entries()[0]!
      h.socket.emit(event, event === "error" ? new Error("reset") : false)
      await turns()
      expect(h.socket.destroyed).toBe(true)
      expect(entry.eof).toBe(false)
      expect(h.exit()).toEqual(Exit.void)
    })
  }

  it("a socket destroyed before the session starts: the session ends at once", async () => {
    const socket = new FakeSocket()
    socket.destroyed = true
    const h = await start({ socket })
    await turns()
    expect(h.exit()).toEqual(Exit.void)
    expect(h.registry.size()).toBe(0)
    expect(h.counts.admittedReleased).toBe(1)
  })

  it("a session admitted without a release callback still ends cleanly", async () => {
    const h = await start({ admitted: false })
    h.registry.entries()[0]!.drop()
    await turns()
    expect(h.exit()).toEqual(Exit.void)
    expect(h.counts.handlerClosed).toBe(1)
  })
})
