/**
 * The live page end to end in headless Chromium against the CLI simulator: a value written by
 * our EtherNet/IP client appears on the page; clicking Disable closes the EtherNet/IP port.
 * Skips (saying why) where /usr/bin/chromium is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { chromium, type Browser } from "playwright-core"
import { Client } from "../../src/client/client.js"
import { ServerControl } from "../../src/server/control.js"
import { WebServer } from "../../src/web/server.js"
import { CHROMIUM, CHROMIUM_ARGS, chromiumTitle, HAVE_CHROMIUM } from "./chromium.js"
import { webEnv } from "./fixture.js"
import { rawConnect, rawSession, type Simulator, startSimulator } from "./simulator.js"

/** Where to save a screenshot of the page for people to look at (unset: none). */
const SCREENSHOT = process.env["CPPPO_WEB_SCREENSHOT"]

const title = chromiumTitle("live page in headless Chromium", "test/web/page.test.ts")

describe.skipIf(!HAVE_CHROMIUM)(title, () => {
  let sim: Simulator
  let browser: Browser
  beforeAll(async () => {
    sim = await startSimulator(["SCADA=INT[10]", "TEXT=SSTRING", "Speed=REAL", "LONG=DINT[150]"])
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await sim?.stop()
  })

  it("shows a value written by an EtherNet/IP client; Disable closes the port, Enable reopens it", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } })
    page.setDefaultTimeout(5000)
    await page.goto(`${sim.web}/`)
    await page.locator('[data-testid="tag-SCADA"]').waitFor()
    await expectText(() => page.locator("#live").textContent(), "live")
    // Long arrays show their first 100 values and say how many more there are.
    expect(await page.locator("#v-LONG span").count()).toBe(100)
    expect(await page.locator("#v-LONG").getAttribute("data-more")).toBe("… 50 more")
    expect(await page.locator("#token-box").isVisible()).toBe(false)

    // A session shows up in the connections table while it is open.
    const held = await rawSession(sim.enip.host, sim.enip.port)
    await expectText(() => page.locator("#connections tbody").textContent(), `127_0_0_1_${held.localPort}`)

    await Effect.runPromise(Effect.scoped(Effect.flatMap(
      Client.connect({ host: sim.enip.host, port: sim.enip.port, timeout: "3 seconds" }),
      (c) => Effect.zipRight(c.write("SCADA[2]", [1234], "INT"), c.write("Speed", [2.5], "REAL"))
    )).pipe(Effect.timeout("10 seconds")))
    await expectText(() => page.locator("#v-SCADA span").nth(2).textContent(), "1234")
    await expectText(() => page.locator("#v-Speed span").first().textContent(), "2.5")
    await expectText(() => page.locator("#log").textContent(), "SCADA[2] <= [1234]")

    // Force an error from the page's own controls, so the screenshot shows one.
    await page.locator('[data-testid="tag-TEXT"] input').first().fill("8")
    await page.locator('[data-testid="tag-TEXT"] button', { hasText: "Set error" }).click()
    await expectText(() => page.locator("#e-TEXT").textContent(), "status 8")
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true })

    await page.locator('[data-testid="disable"]').click()
    expect(await held.closed(3000)).toBe(true)
    expect(await refusedWithin(sim, 3000)).toBe(true)
    await expectText(() => page.locator("#status").textContent(), "disabled")
    await expectText(() => page.locator('[data-testid="disable"]').textContent(), "Enable")

    await page.locator('[data-testid="disable"]').click()
    await expectText(() => page.locator("#status").textContent(), "listening")
    expect(await refusedWithin(sim, 300)).toBe(false)
    await page.close()
  }, 60_000)
})

describe.skipIf(!HAVE_CHROMIUM)(HAVE_CHROMIUM ? "live page with --web-token in headless Chromium" : `${title} (token)`, () => {
  it("sends the token typed in the page; without it the command is refused and nothing changes", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 })
    try {
      await Effect.runPromise(Effect.gen(function* () {
        const control = yield* ServerControl
        const { url } = yield* WebServer
        const page = yield* Effect.promise(() => browser.newPage())
        page.setDefaultTimeout(5000)
        yield* Effect.promise(async () => {
          await page.goto(`${url}/`)
          await page.locator('[data-testid="tag-SCADA"]').waitFor()
          await page.locator("#token-box").waitFor({ state: "visible" })
          await page.locator('[data-testid="disable"]').click()
          await expectText(() => page.locator("#msg").textContent(), "needs Authorization")
        })
        expect(control.unsafeState().disabled).toBe(false)
        yield* Effect.promise(async () => {
          await page.locator("#token").fill("s3cret")
          await page.locator("#token").dispatchEvent("change")
          await page.locator('[data-testid="disable"]').click()
          await expectText(() => page.locator("#msg").textContent(), "server disabled")
          await expectText(() => page.locator("#status").textContent(), "disabled")
        })
        expect(control.unsafeState().disabled).toBe(true)
      }).pipe(Effect.provide(webEnv({ token: "s3cret" })), Effect.scoped, Effect.timeout("30 seconds")))
    } finally {
      await browser.close()
    }
  }, 60_000)
})

/** Poll until the text contains `want` (Playwright's own expect is not used with vitest). */
const expectText = async (get: () => Promise<string | null>, want: string, ms = 5000) => {
  const deadline = Date.now() + ms
  let last: string | null = null
  while (Date.now() < deadline) {
    last = await get()
    if (last !== null && last.includes(want)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  expect(last).toContain(want)
}

/** True once connecting is refused within `ms`; false if a connection was still accepted at the end. */
const refusedWithin = async (sim: Simulator, ms: number) => {
  const deadline = Date.now() + ms
  for (;;) {
    const refused = await rawConnect(sim.enip.host, sim.enip.port, 1000).then((s) => { s.destroy(); return false }, () => true)
    if (refused || Date.now() > deadline) return refused
    await new Promise((r) => setTimeout(r, 50))
  }
}
