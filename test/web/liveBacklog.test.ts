/**
 * The live hub's default backlog bound (README, "The live page"): a page that does not read is dropped
 * once more than 256 KiB are waiting for it. Pages whose sockets already hold 256 KiB less j bytes
 * each get the same tags message of L bytes: exactly the pages with j < L pass the bound.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { makeServerControl } from "../../src/server/control.js"
import { makeConnectionRegistry } from "../../src/server/registry.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { makeLiveHub } from "../../src/web/live.js"

const KIB_256 = 256 * 1024

describe("live pages: the default backlog bound", () => {
  it.live("is 256 KiB: a page is dropped when its waiting bytes plus the next message pass it, kept when they reach it", () =>
    Effect.scoped(Effect.gen(function* () {
      const s = { control: yield* makeServerControl(), registry: makeConnectionRegistry(), tags: yield* makeTagStore(["B=BOOL"]) }
      // No maxBacklog given: the default is under test. Snapshots only at the start (1 h interval).
      const hub = yield* makeLiveHub(s, { interval: "1 hours", batch: "10 millis", tokenRequired: false, changed: Stream.never, maxStreams: 1000 }, Effect.never)
      const destroyed = new Set<number>()
      const pages = []
      for (let j = 1; j <= 400; j++) {
        const page = yield* hub.open({ backlog: () => KIB_256 - j, destroy: () => { destroyed.add(j) } })
        expect(page).toBeDefined()
        pages.push({ j, page: page! })
      }
      expect(hub.stats()).toMatchObject({ pages: 400, dropped: 0 })
      yield* s.tags.write("B", 0, [true])
      for (let i = 0; i < 500 && hub.stats().messages === 0; i++) yield* Effect.sleep("10 millis")
      expect(hub.stats().messages).toBe(1)
      const after = hub.stats()
      // The message every page was offered: read it from a page that kept it (the last one).
      const got = Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(pages[pages.length - 1]!.page.stream, 3)))
      const message = new TextDecoder().decode(got[2]!)
      expect(message).toMatch(/^event: tags\ndata: \[\{"name":"B","kind":"write"/)
      const L = got[2]!.length
      expect(L).toBeGreaterThan(20)
      expect(L).toBeLessThan(400)
      // Dropped: exactly the pages whose j < L (256 KiB − j + L > 256 KiB); each was cut (destroy).
      expect([...destroyed].sort((a, b) => a - b)).toEqual(Array.from({ length: L - 1 }, (_, i) => i + 1))
      expect(after).toMatchObject({ dropped: L - 1, pages: 400 - (L - 1) })
    })))
})
