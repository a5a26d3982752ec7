/**
 * README, "Trends": a trend shows "the last 1, 5, 15 or 60 minutes". In headless Chromium, the
 * window box offers exactly those, 5 chosen at first; each choice asks history for that many
 * minutes (`/history/series?since=` now − N × 60 s). Skips (saying why) without Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { chromiumTitle, HAVE_CHROMIUM } from "./chromium.js"
import { trendRig } from "./trendRig.js"

const title = chromiumTitle("trend windows on the live page in headless Chromium", "test/web/trendWindows.test.ts")

describe.skipIf(!HAVE_CHROMIUM)(title, () => {
  const rig = trendRig(["SCADA=INT[10]"], "cpppo-trendwin-")
  beforeAll(rig.setup, 60_000)
  afterAll(rig.teardown)

  it("the last 1, 5 (at first), 15 or 60 minutes: each asks history for that window", async () => {
    const page = await rig.browser.newPage({ viewport: { width: 1100, height: 800 } })
    page.setDefaultTimeout(5000)
    const asked: Array<{ since: number; at: number }> = []
    page.on("request", (r) => {
      const u = new URL(r.url())
      if (u.pathname.endsWith("/history/series")) asked.push({ since: Number(u.searchParams.get("since")), at: Date.now() / 1000 })
    })
    await page.goto(`${rig.sim.web}/`)
    await page.locator('[data-testid="tag-SCADA"]').waitFor()
    await page.locator("#v-SCADA span").nth(1).click()
    await page.locator("#trends .trend canvas").first().waitFor()
    const box = page.locator("#trends select")
    expect(await box.locator("option").evaluateAll((os) => os.map((o) => [(o as unknown as { value: string }).value, o.textContent]))).toEqual(
      [["1", "last 1 min"], ["5", "last 5 min"], ["15", "last 15 min"], ["60", "last 60 min"]])
    expect(await box.inputValue()).toBe("5")
    /** The window of the last history request, in minutes (the page's clock is this machine's). */
    const lastWindow = async (n: number) => {
      for (let i = 0; i < 50 && asked.length < n; i++) await new Promise((r) => setTimeout(r, 100))
      expect(asked).toHaveLength(n)
      const a = asked[n - 1]!
      return Math.round((a.at - a.since) / 60)
    }
    expect(await lastWindow(1)).toBe(5)
    let n = 1
    for (const m of ["60", "1", "15"]) {
      await box.selectOption(m)
      expect(await lastWindow(++n)).toBe(Number(m))
    }
    await page.close()
  }, 60_000)
})
