/** Headless Chromium for the page tests: where it is, how it is started, and the skip line when it is absent. */
import { existsSync } from "node:fs"

export const CHROMIUM = "/usr/bin/chromium"
export const HAVE_CHROMIUM = existsSync(CHROMIUM)
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

/** A describe title: `what`, or the reason it is skipped (also warned once, naming the file). */
export const chromiumTitle = (what: string, file: string): string => {
  if (HAVE_CHROMIUM) return what
  const title = `${what} — SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium)`
  console.warn(`${file}: ${title}`)
  return title
}
