/**
 * README, `--idle-timeout`: "checked four times per period, so closed within 1–1.25 × SECONDS" of
 * the last byte. Node's timers are faked (only setTimeout/clearTimeout; sockets are real), so the
 * checks run when the test moves time: a session that never sends is closed at exactly 1 ×, one
 * whose last byte came just after a check at 1.25 × that byte's time, never before 1 ×.
 */
import { Effect, Exit, Scope } from "effect"
import * as net from "node:net"
import { afterEach, describe, expect, it, vi } from "vitest"
import { startSimulator } from "./fixture.js"

const turns = async (n = 20) => { for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r)) }

/** A simulator with a 1 s idle timeout, a connected raw socket, and the server's entry for it. */
const setup = async () => {
  const scope = Effect.runSync(Scope.make())
  const sim = await Effect.runPromise(Scope.extend(startSimulator({ tags: ["SCADA=INT"], idleTimeout: 1 }), scope))
  // From here Node's setTimeout is the test's: the session's idle timer is armed when it is accepted.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
  const socket = net.connect({ host: "127.0.0.1", port: sim.port })
  let closed = false
  socket.on("close", () => { closed = true })
  socket.on("error", () => { closed = true })
  socket.on("data", () => {})
  for (let i = 0; i < 2000 && sim.registry.size() === 0; i++) await turns(1)
  expect(sim.registry.size()).toBe(1)
  await turns()
  return {
    sim, socket,
    closed: async () => { await turns(); return closed },
    done: async () => { vi.useRealTimers(); socket.destroy(); await Effect.runPromise(Scope.close(scope, Exit.void)) }
  }
}

afterEach(() => { vi.useRealTimers() })

describe("idle timeout window", () => {
  it("no byte at all: closed at 1 × the timeout, not a millisecond before", async () => {
    const t = await setup()
    try {
      vi.advanceTimersByTime(999)
      expect(await t.closed()).toBe(false)
      vi.advanceTimersByTime(1)
      for (let i = 0; i < 200 && !(await t.closed()); i++) await turns(1)
      expect(await t.closed()).toBe(true)
      expect(t.sim.registry.size()).toBe(0)
    } finally { await t.done() }
  }, 30_000)

  it("a byte just after a check: still open 1.248 × after it, closed by 1.25 ×", async () => {
    const t = await setup()
    try {
      vi.advanceTimersByTime(501) // the checks at 250 and 500 ms saw no byte
      // A NOP (command 0x0000, no reply), so the server has read a whole frame 501 ms in.
      t.socket.write(Buffer.alloc(24))
      const entry = () => t.sim.registry.entries()[0]!
      for (let i = 0; i < 2000 && entry().received === 0; i++) await turns(1)
      expect(entry().received).toBeGreaterThan(0)
      vi.advanceTimersByTime(1000) // 1 × after the byte
      expect(await t.closed()).toBe(false)
      vi.advanceTimersByTime(248) // 1.248 × after it (the check at 1.75 s has not run)
      expect(await t.closed()).toBe(false)
      vi.advanceTimersByTime(1) // 1,750 ms: the fourth check after the one (750 ms) that saw the byte
      for (let i = 0; i < 200 && !(await t.closed()); i++) await turns(1)
      expect(await t.closed()).toBe(true)
    } finally { await t.done() }
  }, 30_000)
})
