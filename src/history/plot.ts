/**
 * A trend plot as a standalone SVG document: one line per series (a value holds until the next
 * one, so lines are steps), a time axis in a chosen zone with its abbreviations, a value axis and
 * a legend. Pure: series in, text out. Many points are thinned per pixel column (first, lowest,
 * highest and last value of each), so the document stays small whatever the history holds.
 */
import type { Series } from "./series.js"
import { timeTicks } from "./timeAxis.js"

export interface PlotOptions {
  /** Zone of the time axis: an IANA name or `UTC` (default). */
  readonly zone?: string
  /** Time range (epoch ms); default the data's. */
  readonly from?: number | undefined
  readonly to?: number | undefined
  /** Document size in px (default 960 × 480). */
  readonly width?: number
  readonly height?: number
  /** Shown above the plot. */
  readonly title?: string
}

/** Line colours (cycled; after the first round, lines are dashed). */
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
const DASHES = ["", "6 3", "2 3", "8 3 2 3"]

/** Escape text for SVG/XML content and attributes. */
export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

const r1 = (n: number): string => String(Math.round(n * 10) / 10)

/** Round value-axis ticks (1, 2, 5 × 10^k) covering [lo, hi]. */
export const valueTicks = (lo: number, hi: number, maxTicks: number): ReadonlyArray<number> => {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1
    return valueTicks(lo - pad, hi + pad, maxTicks)
  }
  const raw = (hi - lo) / Math.max(1, maxTicks)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const out: Array<number> = []
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9 + step; v += step) {
    out.push(Number(v.toPrecision(12)))
    if (v >= hi) break
  }
  return out
}

/** A value label: short, with no float noise (`0.30000000000000004` → `0.3`). */
export const formatValue = (v: number): string => {
  if (v === 0) return "0"
  const a = Math.abs(v)
  if (a >= 1e6 || a < 1e-4) return v.toExponential(2).replace(/\.?0+e/, "e")
  return String(Number(v.toPrecision(6)))
}

/**
 * The path of one series as steps, thinned to at most four vertices per pixel column.
 * `x` and `y` map time and value to px.
 */
const stepPath = (s: Series, x: (t: number) => number, y: (v: number) => number, from: number, to: number): string => {
  const { times, values } = s
  let i = 0
  while (i < times.length && times[i]! < from) i++
  if (i === times.length || times[i]! > to) return ""
  const parts: Array<string> = []
  let col = Math.round(x(times[i]!))
  let lo = values[i]!, hi = lo, last = lo
  parts.push(`M${col} ${r1(y(last))}`)
  const flush = () => {
    if (lo !== last || hi !== last) parts.push(`V${r1(y(lo))}V${r1(y(hi))}`)
    parts.push(`V${r1(y(last))}`)
  }
  for (i++; i < times.length && times[i]! <= to; i++) {
    const v = values[i]!
    const c = Math.round(x(times[i]!))
    if (c !== col) {
      flush()
      parts.push(`H${c}`)
      col = c
      lo = hi = v
    } else {
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
    last = v
  }
  flush()
  // The last value holds to the end of the range.
  parts.push(`H${Math.round(x(to))}`)
  return parts.join("")
}

/** The smallest plot drawn (a smaller size asked of plotSvg is widened; the CLI and web API refuse one). */
export const MIN_PLOT_WIDTH = 320
export const MIN_PLOT_HEIGHT = 200

/** Render the series as an SVG document. */
export const plotSvg = (series: ReadonlyArray<Series>, options: PlotOptions = {}): string => {
  const width = Math.max(MIN_PLOT_WIDTH, Math.round(options.width ?? 960))
  const height = Math.max(MIN_PLOT_HEIGHT, Math.round(options.height ?? 480))
  const zone = options.zone ?? "UTC"
  let from = options.from ?? Infinity
  let to = options.to ?? -Infinity
  if (options.from === undefined || options.to === undefined) {
    for (const s of series) {
      if (s.times.length === 0) continue
      if (options.from === undefined && s.times[0]! < from) from = s.times[0]!
      if (options.to === undefined && s.times[s.times.length - 1]! > to) to = s.times[s.times.length - 1]!
    }
  }
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    const now = Date.now()
    from = Number.isFinite(from) ? from : Number.isFinite(to) ? to - 60_000 : now - 60_000
    to = Number.isFinite(to) ? to : from + 60_000
  }
  if (to <= from) to = from + 1000
  let lo = Infinity, hi = -Infinity
  for (const s of series) for (let i = 0; i < s.times.length; i++) {
    const t = s.times[i]!, v = s.values[i]!
    if (t < from || t > to) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1 }

  const top = options.title === undefined ? 16 : 40, bottom = 48, left = 70
  const plotH = height - top - bottom
  // The legend: columns of entries beside the plot.
  const entryWidth = series.length === 0 ? 0 : 40 + 7 * Math.min(32, Math.max(...series.map((s) => s.name.length)))
  const rows = Math.max(1, Math.floor(plotH / 18))
  const columns = Math.ceil(series.length / rows)
  const right = 16 + columns * entryWidth
  const plotW = Math.max(100, width - left - right)
  const yTicks = valueTicks(lo, hi, Math.max(2, Math.floor(plotH / 50)))
  const yLo = Math.min(lo, yTicks[0]!), yHi = Math.max(hi, yTicks[yTicks.length - 1]!)
  const x = (t: number) => left + ((t - from) / (to - from)) * plotW
  const y = (v: number) => top + plotH - ((v - yLo) / (yHi - yLo || 1)) * plotH
  const tTicks = timeTicks(from, to, zone, Math.max(2, Math.floor(plotW / 100)))

  const out: Array<string> = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="cpppo-trend" font-family="system-ui, sans-serif" font-size="12">`)
  out.push(`<title>${escapeXml(options.title ?? "cpppo trend")}</title>`)
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`)
  if (options.title !== undefined) out.push(`<text x="${left}" y="24" font-size="15" font-weight="600" fill="#222">${escapeXml(options.title)}</text>`)
  out.push(`<g class="axis value" stroke="#e4e4ea">`)
  for (const v of yTicks) {
    const py = r1(y(v))
    out.push(`<g class="tick"><line x1="${left}" x2="${left + plotW}" y1="${py}" y2="${py}"/><text x="${left - 6}" y="${py}" dy="4" text-anchor="end" fill="#444" stroke="none">${escapeXml(formatValue(v))}</text></g>`)
  }
  out.push(`</g>`)
  out.push(`<g class="axis time" data-zone="${escapeXml(zone)}" stroke="#e4e4ea">`)
  let lastDate = ""
  for (const tick of tTicks) {
    const px = r1(x(tick.t))
    const date = tick.date !== lastDate ? `<text class="date" x="${px}" y="${top + plotH + 34}" text-anchor="middle" fill="#666" stroke="none">${tick.date}</text>` : ""
    lastDate = tick.date
    out.push(`<g class="tick" data-t="${tick.t}"><line x1="${px}" x2="${px}" y1="${top}" y2="${top + plotH}"/><text class="label" x="${px}" y="${top + plotH + 18}" text-anchor="middle" fill="#444" stroke="none">${escapeXml(tick.time)}</text>${date}</g>`)
  }
  out.push(`</g>`)
  out.push(`<rect class="frame" x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#99a"/>`)
  out.push(`<g class="lines" fill="none" stroke-width="1.6" stroke-linejoin="round">`)
  series.forEach((s, i) => {
    const dash = DASHES[Math.floor(i / COLORS.length) % DASHES.length]!
    out.push(`<path class="series" data-name="${escapeXml(s.name)}" stroke="${COLORS[i % COLORS.length]}"${dash === "" ? "" : ` stroke-dasharray="${dash}"`} d="${stepPath(s, x, y, from, to)}"/>`)
  })
  out.push(`</g>`)
  out.push(`<g class="legend" transform="translate(${left + plotW + 16} ${top})">`)
  series.forEach((s, i) => {
    const dash = DASHES[Math.floor(i / COLORS.length) % DASHES.length]!
    const name = s.name.length > 32 ? `${s.name.slice(0, 31)}…` : s.name
    out.push(`<g class="entry" transform="translate(${Math.floor(i / rows) * entryWidth} ${(i % rows) * 18})"><line x1="0" x2="22" y1="8" y2="8" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"${dash === "" ? "" : ` stroke-dasharray="${dash}"`}/><text x="28" y="12" fill="#222">${escapeXml(name)}</text></g>`)
  })
  out.push(`</g>`)
  out.push(`</svg>`)
  return `${out.join("\n")}\n`
}
