/**
 * Trends on the live page, in headless Chromium against the CLI simulator run with --historize:
 * clicking a value opens a trend seeded from history; a value a client writes shows up as a new
 * point; clicking another tag adds it to the same chart. Skips (saying why) without Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import { Client } from "../../src/client/client.js"
import type { CipValue } from "../../src/cip/types.js"
import { chromiumTitle, HAVE_CHROMIUM } from "./chromium.js"
import { trendRig } from "./trendRig.js"

const SCREENSHOT = process.env["CPPPO_TREND_SCREENSHOT"]
const title = chromiumTitle("trends on the live page in headless Chromium", "test/web/trend.test.ts")

interface ChartReport {
  readonly series: ReadonlyArray<{ readonly name: string; readonly points: ReadonlyArray<readonly [number, number]> }>
}
const charts = (page: Page) => page.evaluate(() => (globalThis as unknown as { cpppoTrends: { charts: () => Array<ChartReport> } }).cpppoTrends.charts())

/** Poll until `check` passes on the page's charts. */
const until = async (page: Page, check: (cs: ReadonlyArray<ChartReport>) => boolean, what: string, ms = 8000) => {
  const deadline = Date.now() + ms
  let last: ReadonlyArray<ChartReport> = []
  while (Date.now() < deadline) {
    last = await charts(page)
    if (check(last)) return last
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${what}; charts: ${JSON.stringify(last)}`)
}

describe.skipIf(!HAVE_CHROMIUM)(title, () => {
  const rig = trendRig(["SCADA=INT[10]", "Speed=REAL"], "cpppo-trend-")
  const write = (tag: string, values: ReadonlyArray<CipValue>, type: "INT" | "REAL") =>
    Effect.runPromise(Effect.scoped(Effect.flatMap(
      Client.connect({ host: rig.sim.enip.host, port: rig.sim.enip.port, timeout: "3 seconds" }),
      (c) => c.write(tag, values, type)
    )).pipe(Effect.timeout("10 seconds")))

  beforeAll(rig.setup, 60_000)
  afterAll(rig.teardown)

  it("a value written by a client becomes a new point of the trend; history seeds it; tags share a chart", async () => {
    // Written before the page opens: only history knows it was ever 111.
    await write("SCADA[2]", [111], "INT")
    await write("SCADA[2]", [222], "INT")
    const page = await rig.browser.newPage({ viewport: { width: 1100, height: 800 } })
    page.setDefaultTimeout(5000)
    const errors: Array<string> = []
    page.on("pageerror", (e) => errors.push(String(e)))
    await page.goto(`${rig.sim.web}/`)
    await page.locator('[data-testid="tag-SCADA"]').waitFor()
    expect(await page.locator("#trends").isVisible()).toBe(false)

    await page.locator("#v-SCADA span").nth(2).click()
    await page.locator("#trends .trend canvas").first().waitFor()
    const seeded = await until(page, (cs) => cs[0]?.series[0]?.points.some(([, v]) => v === 111) === true, "the trend was not seeded from history")
    expect(seeded[0]!.series.map((s) => s.name)).toEqual(["SCADA[2]"])
    // History's two values, then the value now from the page's snapshot.
    expect(seeded[0]!.series[0]!.points.map(([, v]) => v).slice(0, 2)).toEqual([111, 222])
    expect(seeded[0]!.series[0]!.points.every(([, v]) => v === 111 || v === 222)).toBe(true)
    expect(await page.locator("#trends .trend-names").first().textContent()).toBe("SCADA[2]")

    const before = seeded[0]!.series[0]!.points.length
    await write("SCADA[2]", [4321], "INT")
    const after = await until(page, (cs) => cs[0]!.series[0]!.points.some(([, v]) => v === 4321), "4321 never reached the trend")
    const points = after[0]!.series[0]!.points
    expect(points.length).toBeGreaterThan(before)
    expect(points[points.length - 1]![1]).toBe(4321)
    expect(points[points.length - 1]![0]).toBeGreaterThan(points[points.length - 2]![0])
    // uPlot's legend names the series (the chart itself is a canvas).
    expect(await page.locator("#trends .u-legend").first().textContent()).toContain("SCADA[2]")

    // Clicking a tag's name trends its first element, in the same chart.
    await page.locator('[data-testid="tag-Speed"] code').click()
    await until(page, (cs) => cs.length === 1 && cs[0]!.series.length === 2, "Speed was not added to the chart")
    await write("Speed", [2.5], "REAL")
    const both = await until(page, (cs) => cs[0]!.series[1]!.points.some(([, v]) => v === 2.5), "2.5 never reached the Speed trend")
    expect(both[0]!.series.map((s) => s.name)).toEqual(["SCADA[2]", "Speed"])

    // "New chart": the next click starts another.
    await page.getByRole("button", { name: "New chart" }).click()
    await page.locator("#v-SCADA span").nth(3).click()
    const two = await until(page, (cs) => cs.length === 2 && cs[1]!.series[0]!.points.length > 0, "no second chart, or no current value in it")
    expect(two[1]!.series.map((s) => s.name)).toEqual(["SCADA[3]"])
    expect(two[1]!.series[0]!.points[0]![1]).toBe(0)
    // A wider window fetches history again; points already there are not doubled.
    await page.locator("#trends select").selectOption("15")
    await new Promise((r) => setTimeout(r, 1500))
    const wide = (await charts(page))[0]!.series[0]!.points
    expect(new Set(wide.map(([t, v]) => `${t} ${v}`)).size).toBe(wide.length)
    expect(wide.filter(([, v]) => v === 111)).toHaveLength(1)
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)
})
