/**
 * Tag I/O events, published for every read, write and failure. Printing (`-p`), history and the
 * web page subscribe; the history module consumes exactly this shape.
 */
import type { TypeRegistry } from "../cip/layout.js"
import type { CipValue } from "../cip/types.js"
import { pyStruct, pyValue } from "./pyRepr.js"

export type TagEventKind = "read" | "write" | "error"

export interface TagEvent {
  /**
   * The tag's name as configured; for an access to a structure member, its path (`M[3].Speed`);
   * for an unknown tag, the name asked for.
   */
  readonly name: string
  /**
   * The type of what was accessed, as users write it: an atomic type (`REAL`; `BOOL` for a BOOL
   * array or member), `STRING`, or a structure's name (`Motor`). Absent for an unknown tag.
   */
  readonly type?: string
  readonly kind: TagEventKind
  /** First element (of the member, for a member path) index. */
  readonly start: number
  /** Number of elements. */
  readonly count: number
  /** Values read or written (absent for errors). */
  readonly values?: ReadonlyArray<CipValue>
  /** The failure, described for people (e.g. `Status 255 [0x2105] (general error: …)`). */
  readonly error?: string
  /** Epoch milliseconds. */
  readonly at: number
}

/** A value as the web API prints it: strings quoted, structures as `{Speed: 1.5, Faults: [0, 0]}`. */
export const showValue = (v: CipValue | ReadonlyArray<CipValue>): string =>
  typeof v === "string" ? JSON.stringify(v)
    : typeof v !== "object" ? String(v)
    : Array.isArray(v) ? `[${v.map(showValue).join(", ")}]`
    : `{${Object.entries(v).map(([k, x]) => `${k}: ${showValue(x)}`).join(", ")}}`

/**
 * The printing form cpppo uses: `               SCADA[    0-3    ] == [0, 99, 0, 0]`, values as
 * Python prints them (`['hello']`, `[1.0]`, `[True]`), as the client's `-p` does; with the
 * store's `types`, a structure as pycomm3's dict, each member as its type prints (`'Speed': 0.0`).
 */
export const formatTagEvent = (e: TagEvent, types?: TypeRegistry): string => {
  const range = `${String(e.start).padStart(5)}-${String(e.start + e.count - 1).padEnd(5)}`
  const head = `${e.name.padStart(20)}[${range}]`
  const layout = e.type !== undefined ? types?.byName(e.type) : undefined
  const vals = (e.values ?? []).map((v) => (layout !== undefined ? pyStruct(v, layout) : pyValue(v, e.type))).join(", ")
  switch (e.kind) {
    case "read": return `${head} == [${vals}]`
    case "write": return `${head} <= [${vals}]`
    case "error": return `${head} !! ${e.error ?? "error"}`
  }
}
