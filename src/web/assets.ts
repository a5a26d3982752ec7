/**
 * Static files of the live page, served from the package itself (plants are often offline, so
 * no CDN): uPlot (MIT, from the `uplot` dependency) and the page's trend script. Read once, on
 * first request.
 */
import { HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import { TREND_SCRIPT, TREND_STYLE } from "./trendScript.js"

const require = createRequire(import.meta.url)

/** Path → [content type, loader] of every asset. */
const ASSETS: Record<string, readonly [string, () => string]> = {
  "/assets/uplot.js": ["text/javascript; charset=utf-8", () => fs.readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8")],
  "/assets/uplot.css": ["text/css; charset=utf-8", () => fs.readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8")],
  "/assets/trend.js": ["text/javascript; charset=utf-8", () => TREND_SCRIPT],
  "/assets/trend.css": ["text/css; charset=utf-8", () => TREND_STYLE]
}

const cache = new Map<string, string>()

/** The asset at `path`, or 404. */
export const asset = (path: string) =>
  Effect.sync(() => {
    const entry = Object.hasOwn(ASSETS, path) ? ASSETS[path] : undefined
    if (entry === undefined) return HttpServerResponse.text("not found\n", { status: 404 })
    let body = cache.get(path)
    if (body === undefined) {
      body = entry[1]()
      cache.set(path, body)
    }
    return HttpServerResponse.text(body, { contentType: entry[0], headers: { "x-content-type-options": "nosniff" } })
  })
