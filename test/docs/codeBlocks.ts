/**
 * The TypeScript code blocks of a Markdown file, for checking that the README's examples compile
 * and run as written. A block whose info string says `runnable` (```` ```ts runnable ````) is run;
 * the fenced block right after it (only blank lines, or one lead-in line ending in `:`, between)
 * is what it must print.
 */

export interface CodeBlock {
  /** The Markdown file, for messages. */
  readonly file: string
  /** 1-based line of the block's first code line. */
  readonly line: number
  /** The code, with the fence's indentation removed. */
  readonly code: string
  readonly runnable: boolean
  /** For a runnable block: the text of the block after it (undefined if there is none). */
  readonly expected?: string | undefined
  /** 1-based line of the expected output's first line. */
  readonly expectedLine?: number | undefined
}

interface Fence {
  readonly lang: string
  readonly words: ReadonlyArray<string>
  /** 1-based line of the first content line. */
  readonly line: number
  /** 0-based index of the closing fence line. */
  readonly end: number
  readonly content: string
}

const OPEN = /^( {0,3}|\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/

/** Every fenced block, in order. An unclosed fence runs to the end of the file. */
const fences = (lines: ReadonlyArray<string>): Array<Fence> => {
  const out: Array<Fence> = []
  for (let i = 0; i < lines.length; i++) {
    const m = OPEN.exec(lines[i]!)
    if (m === null) continue
    const indent = m[1]!.length
    const marker = m[2]!
    const close = new RegExp(`^\\s*${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`)
    let j = i + 1
    while (j < lines.length && !close.test(lines[j]!)) j++
    const body = lines.slice(i + 1, j).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
    out.push({ lang: m[3]!.toLowerCase(), words: m[4]!.split(/\s+/).filter((w) => w !== ""), line: i + 2, end: j, content: body.join("\n") })
    i = j
  }
  return out
}

/** The ts/typescript blocks of a Markdown text. */
export const codeBlocks = (file: string, markdown: string): Array<CodeBlock> => {
  const lines = markdown.split(/\r?\n/)
  const all = fences(lines)
  const blocks: Array<CodeBlock> = []
  all.forEach((f, k) => {
    if (f.lang !== "ts" && f.lang !== "typescript") return
    const runnable = f.words.includes("runnable")
    let expected: string | undefined
    let expectedLine: number | undefined
    const next = all[k + 1]
    if (runnable && next !== undefined) {
      const between = lines.slice(f.end + 1, next.line - 2).filter((l) => l.trim() !== "")
      if (between.length === 0 || (between.length === 1 && between[0]!.trimEnd().endsWith(":"))) {
        expected = next.content
        expectedLine = next.line
      }
    }
    blocks.push({ file, line: f.line, code: f.content, runnable, expected, expectedLine })
  })
  return blocks
}

/** The module specifiers a block imports (static imports and `import(...)`). */
export const importsOf = (code: string): Array<string> => {
  const out: Array<string> = []
  for (const m of code.matchAll(/^\s*(?:import|export)\s[^"'`]*?\sfrom\s+["']([^"']+)["']/gm)) out.push(m[1]!)
  for (const m of code.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) out.push(m[1]!)
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!)
  return out
}
