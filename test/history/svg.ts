/** Reading the trend SVGs in tests: well-formedness, and the parts the tests look at. */

const unescape = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&")

/** Throws unless every element is closed in order and attributes are quoted (a small XML check). */
export const assertWellFormed = (svg: string): void => {
  const stack: Array<string> = []
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|>/g)) {
    if (m[2] === undefined) throw new Error(`stray ${m[0]} at ${m.index}`)
    if (m[1] === "/") {
      const open = stack.pop()
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}> at ${m.index}`)
    } else if (m[4] !== "/") stack.push(m[2])
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("> <")}>`)
  if (/&(?!(amp|lt|gt|quot|#39);)/.test(svg)) throw new Error("unescaped &")
}

/** The names of the plotted series, in order. */
export const seriesNames = (svg: string): Array<string> =>
  Array.from(svg.matchAll(/<path class="series" data-name="([^"]*)"[^>]* d="([^"]*)"/g), (m) => unescape(m[1]!))

/** The paths' `d`, by series name. */
export const seriesPaths = (svg: string): Map<string, string> =>
  new Map(Array.from(svg.matchAll(/<path class="series" data-name="([^"]*)"[^>]* d="([^"]*)"/g), (m) => [unescape(m[1]!), m[2]!]))

/** The legend's entries, in order. */
export const legend = (svg: string): Array<string> => {
  const g = /<g class="legend"[^>]*>([\s\S]*?)\n<\/g>/.exec(svg)?.[1] ?? ""
  return Array.from(g.matchAll(/<text[^>]*>([^<]*)<\/text>/g), (m) => unescape(m[1]!))
}

/** The time axis: zone, and each tick's instant, label and (when shown) date. */
export const timeAxis = (svg: string) => {
  const g = /<g class="axis time" data-zone="([^"]*)"[^>]*>([\s\S]*?)\n<\/g>/.exec(svg)
  return {
    zone: unescape(g?.[1] ?? ""),
    ticks: Array.from((g?.[2] ?? "").matchAll(/<g class="tick" data-t="(\d+)"><line x1="([\d.]+)"[^>]*\/><text class="label"[^>]*>([^<]*)<\/text>(?:<text class="date"[^>]*>([^<]*)<\/text>)?/g),
      (m) => ({ t: Number(m[1]), x: Number(m[2]), label: unescape(m[3]!), date: m[4] }))
  }
}
