/**
 * pycomm3 1.2.14 (LogixDriver) cases: open with the tag upload, identity, tag list, reads and
 * writes of every type (scalar, element, slice `Tag[10]{5}`), strings of odd and even lengths,
 * multi-read and multi-write, 2000-byte values, errors that keep the connection, the clock — over
 * a Large Forward Open with the tag upload, and over a plain 500-byte Forward Open without it.
 * Every value written is read back by our own client, and some by pylogix.
 */
import { expect } from "@effect/vitest"
import { asPython, clientOp, norm, type CaseContext, type PyCase } from "./cases.js"
import type { PyOut } from "./python.js"

/**
 * `io_set(plc, k)`: write a set of values (different for each k, so a second run proves it wrote
 * again), read each back with pycomm3, and record what was written, read, and any error.
 */
const IO_SET = `
def io_set(plc, k):
    s = -1 if k else 1
    written = {
        'B': bool(k), 'S': -128 + k, 'I': -32768 + k, 'D': -2147483648 + k, 'L': -(2**63) + k,
        'US': 255 - k, 'UI': 65535 - k, 'UD': 4294967295 - k, 'UL': 2**64 - 1 - k, 'R': 1.5 * s, 'LR': -1e300 * s,
        'BA[5]': not k, 'SA[3]': -7 * s, 'IA[3]': -300 * s, 'DA[3]': 70000 * s, 'LA[3]': 2**40 * s, 'USA[3]': 7 + k,
        'UIA[3]': 60000 + k, 'UDA[3]': 3000000000 + k, 'ULA[3]': 2**63 + k, 'RA[3]': -0.25 * s, 'LRA[3]': 1e-300 * s,
        'BA[32]{32}': [bool((i + k) % 3 == 0) for i in range(32)],
        'SA[10]{5}': [1 * s, -2, 3, -4, 5 + k], 'IA[10]{5}': [1000 * s, -2, 3, -4, 5 + k],
        'DA[10]{5}': [100000 * s, -2, 3, -4, 5 + k], 'LA[10]{5}': [2**62 * s, -2, 3, -4, 5 + k],
        'USA[10]{5}': [1, 2, 3, 4, 250 + k], 'UIA[10]{5}': [1, 2, 3, 4, 65000 + k],
        'UDA[10]{5}': [1, 2, 3, 4, 4000000000 + k], 'ULA[10]{5}': [1, 2, 3, 4, 2**64 - 2 - k],
        'RA[10]{5}': [0.5 * s, -2.5, 3.0, -4.0, 5.0 + k], 'LRA[10]{5}': [0.1 * s, -2.5, 3.0, -4.0, 5.0 + k],
        'SS': 'odd' if k else 'even', 'STR': 'hello you' if k else 'hello, world',
        'SSA[1]': 'abc' if k else 'abcd', 'STRA[1]': 'x' * (81 + k),
        'SSA[2]{3}': ['a', 'bb', 'ccc' if k else ''], 'STRA[2]{2}': ['', 'yy' if k else 'zzz'],
    }
    out_written, out_read, errors = {}, {}, []
    for t, v in written.items():
        w = plc.write(t, v)
        if w.error: errors.append([t, 'write', w.error])
        r = plc.read(t)
        if r.error: errors.append([t, 'read', r.error])
        out_written[t] = v
        out_read[t] = r.value
    return {'written': out_written, 'read': out_read, 'errors': errors}

def multi(plc, k):
    pairs = [('DA[15]', 11 + k), ('IA[15]', -12 - k), ('RA[15]', 13.5 + k), ('SSA[0]', 'm' * (1 + k)), ('STRA[4]', 'multi' + 'x' * k), ('LA[15]', 2**50 + k)]
    w = plc.write(*pairs)
    r = plc.read(*[t for t, _ in pairs])
    return {'pairs': pairs, 'write_errors': [x.error for x in w], 'read': [[x.tag, x.value, x.error] for x in r]}

def big(plc, k):
    values = [(i * 7 + k) % 32768 - 16384 for i in range(1000)]
    w = plc.write('SCADA[0]{1000}', values)
    r = plc.read('SCADA[0]{1000}')
    return {'write_error': w.error, 'read_error': r.error, 'same': r.value == values, 'first': values[:3], 'last': values[-1]}

def errors(plc):
    # a tag deleted from the controller after the upload (an online edit): pycomm3 still knows it
    plc._tags['Ghost'] = dict(plc._tags['D'], tag_name='Ghost', instance_id=0xfff0)
    res = {'ghost_read': tag(plc.read('Ghost')), 'ghost_write': tag(plc.write('Ghost', 5)),
           'beyond_read': tag(plc.read('SA[20]')), 'beyond_write': tag(plc.write('SA[25]', 1)),
           'beyond_slice': tag(plc.read('SCADA[995]{10}')), 'unknown': tag(plc.read('Nope'))}
    res['after'] = tag(plc.read('D'))
    return res
`

/**
 * Our client's operation for a pycomm3 tag. BA is a BOOL array, a DWORD array on the wire as on a
 * controller: pycomm3's `BA[5]` is our `BA[0].5` (bit 5 of DWORD 0), `BA[32]{32}` our `BA[1]`.
 */
const readBackOp = (t: string): string => {
  const bit = /^BA\[(\d+)\]$/.exec(t)
  if (bit !== null) return `BA[${Number(bit[1]) >> 5}].${Number(bit[1]) & 31}`
  const word = /^BA\[(\d+)\]\{32\}$/.exec(t)
  return word !== null ? `BA[${Number(word[1]) >> 5}]` : clientOp(t)
}

/** A DWORD's 32 BOOLs, bit 0 first (how a BOOL array's DWORD reads). */
const bits = (v: unknown): Array<boolean> => Array.from({ length: 32 }, (_, i) => ((Number(v) >>> i) & 1) === 1)

/** Check an `io_set` result: no errors, pycomm3 read back what it wrote, and so does our client. */
const checkIoSet = async (r: PyOut, ctx: CaseContext): Promise<void> => {
  expect(r.errors).toEqual([])
  expect(norm(r.read)).toEqual(norm(r.written))
  const tags = Object.keys(r.written)
  const got = await ctx.readBack(tags.map(readBackOp))
  tags.forEach((t, i) => {
    const v = /^BA\[\d+\]\{32\}$/.test(t) ? bits(got[i]![0]) : asPython(got[i]!, t.includes("{"))
    expect([t, v]).toEqual([t, norm(r.written[t])])
  })
}

const checkMulti = async (r: PyOut, ctx: CaseContext): Promise<void> => {
  expect(r.write_errors).toEqual(r.pairs.map(() => null))
  expect(norm(r.read)).toEqual(norm(r.pairs.map(([t, v]: [string, unknown]) => [t, v, null])))
  const got = await ctx.readBack(r.pairs.map(([t]: [string]) => t))
  expect(norm(got.map((v) => v[0]))).toEqual(norm(r.pairs.map(([, v]: [string, unknown]) => v)))
}

const checkBig = async (r: PyOut, ctx: CaseContext): Promise<void> => {
  expect([r.write_error, r.read_error, r.same]).toEqual([null, null, true])
  const [all] = await ctx.readBack(["SCADA[0-999]"])
  expect([...all!.slice(0, 3), all![999]]).toEqual([...r.first, r.last])
}

const checkErrors = (r: PyOut): void => {
  // The controller's answers, as pycomm3 reports them; the connection keeps working after each.
  expect(r.ghost_read.error).toMatch(/\(05, 00\)/)
  expect(r.ghost_write.error).toMatch(/\(05, 00\)/)
  expect(r.beyond_read.error).toMatch(/\(ff, 2105\)/)
  expect(r.beyond_write.error).toMatch(/\(ff, 2105\)/)
  expect(r.beyond_slice.error).toMatch(/\(ff, 2105\)/)
  expect(r.unknown.error).toMatch(/doesn't exist/) // refused by pycomm3 itself: not in the tag list
  expect(r.after.error).toBeNull()
}

export const PYCOMM3_CASES: ReadonlyArray<PyCase> = [
  {
    name: "LogixDriver() opens with the tag upload; get_plc_info; get_tag_list with program tags and the STRING template",
    code: `
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    out['info'] = plc.get_plc_info()
    out['name'] = plc.info.get('name')
    out['connection_size'] = plc.connection_size
    tags = plc.get_tag_list('*')
    out['tags'] = {t['tag_name']: [t['data_type_name'], t['dim'], t['dimensions'][0]] for t in tags}
    out['string'] = {k: plc.data_types['STRING'][k] for k in ('name', 'attributes', 'string')}
    out['programs'] = sorted(plc.info.get('programs', {}).keys())
`,
    check: (out) => {
      expect(out.info).toMatchObject({
        vendor: "Rockwell Automation/Allen-Bradley", product_type: "Programmable Logic Controller", product_code: 54,
        revision: { major: 20, minor: 11 }, serial: "006c061a", product_name: "1756-L61/B LOGIX5561"
      })
      expect(out.name).toBe("Simulator")
      expect(out.connection_size).toBe(4000)
      expect(out.tags).toMatchObject({
        B: ["BOOL", 0, 0], L: ["LINT", 0, 0], UL: ["ULINT", 0, 0], LR: ["LREAL", 0, 0], SS: ["SHORT_STRING", 0, 0], STR: ["STRING", 0, 0],
        // A BOOL[64] is listed as a controller lists it: a DWORD array of 2.
        SCADA: ["INT", 1, 1000], STRA: ["STRING", 1, 5], BA: ["DWORD", 1, 2],
        "Program:MainProgram.Speed": ["REAL", 0, 0], "Program:MainProgram.Count": ["DINT", 0, 0], "Program:Other.Flag": ["BOOL", 0, 0]
      })
      expect(out.string).toEqual({ name: "STRING", attributes: ["LEN", "DATA"], string: 82 })
      expect(out.programs).toEqual(["MainProgram", "Other"])
    }
  },
  {
    name: "every atomic type as a scalar, an element and a slice; SSTRING and STRING of odd and even lengths",
    code: `${IO_SET}
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    out['io'] = io_set(plc, 0)
`,
    check: (out, ctx) => checkIoSet(out.io, ctx)
  },
  {
    name: "multi-write and multi-read in one call; a 2000-byte write and read",
    code: `${IO_SET}
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    out['multi'] = multi(plc, 0)
    out['big'] = big(plc, 0)
`,
    check: async (out, ctx) => { await checkMulti(out.multi, ctx); await checkBig(out.big, ctx) }
  },
  {
    name: "errors from the controller (unknown tag, beyond the end) leave the connection working",
    code: `${IO_SET}
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    out['errors'] = errors(plc)
`,
    check: (out) => checkErrors(out.errors)
  },
  {
    name: "init_tags=False over a plain 500-byte Forward Open: the tag list, then the same reads and writes",
    code: `${IO_SET}
from pycomm3 import LogixDriver
plc = LogixDriver(f'{HOST}/1/0', init_tags=False)
plc._cfg['extended forward open'] = False
plc._cfg['connection_size'] = 500
with plc:
    out['before_upload'] = tag(plc.read('D'))
    out['tags'] = len(plc.get_tag_list('*'))
    out['connection_size'] = plc.connection_size
    out['io'] = io_set(plc, 1)
    out['multi'] = multi(plc, 1)
    out['big'] = big(plc, 1)
    out['errors'] = errors(plc)
`,
    check: async (out, ctx) => {
      expect(out.before_upload.error).toMatch(/doesn't exist/)
      expect(out.connection_size).toBe(500)
      expect(out.tags).toBeGreaterThanOrEqual(30)
      await checkIoSet(out.io, ctx)
      await checkMulti(out.multi, ctx)
      await checkBig(out.big, ctx)
      checkErrors(out.errors)
    }
  },
  {
    name: "get_plc_time / set_plc_time (Wall Clock Time object); pylogix reads the clock pycomm3 set",
    code: `
import time
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    out['now'] = tag(plc.get_plc_time())
    out['host'] = int(time.time() * 1e6)
    out['set'] = tag(plc.set_plc_time(1_000_000_000_000_000))
    out['after'] = tag(plc.get_plc_time())
`,
    check: async (out, ctx) => {
      expect(out.now.error).toBeNull()
      expect(Math.abs(out.now.value.microseconds - out.host)).toBeLessThan(60e6) // the host's clock until set
      expect(out.set.error).toBeNull()
      // Set to 2001-09-09T01:46:40Z; it runs from there.
      const after = out.after.value.microseconds - 1e15
      expect(after).toBeGreaterThanOrEqual(0)
      expect(after).toBeLessThan(60e6)
      expect(out.after.value.string).toMatch(/September 09, 2001/)
      const pylogix = await ctx.python("from pylogix import PLC\nwith PLC(HOST) as c:\n    out['time'] = resp(c.GetPLCTime(raw=True))")
      expect(pylogix.time.status).toBe("Success")
      expect(pylogix.time.value - 1e15).toBeGreaterThanOrEqual(after)
      expect(pylogix.time.value - 1e15).toBeLessThan(60e6)
    }
  },
  {
    name: "pylogix reads what pycomm3 wrote (scalars, elements, strings, program tags)",
    code: `
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    out['w'] = [x.error for x in plc.write(('DA[7]', -424242), ('SS', 'from pycomm3'), ('STR', 'pycomm3 odd'), ('Program:MainProgram.Speed', 42.5), ('ULA[7]', 2**64 - 3))]
`,
    check: async (out, ctx) => {
      expect(out.w).toEqual([null, null, null, null, null])
      const r = await ctx.python(`
from pylogix import PLC
with PLC(HOST) as c:
    out['r'] = [resp(x) for x in c.Read(['DA[7]', 'STR', 'Program:MainProgram.Speed', 'ULA[7]'])]
    # pylogix reads an SSTRING alone (its multi-read reply parser takes the length byte as the value)
    out['ss'] = resp(c.Read('SS'))
`)
      expect(r.r.map((x: { value: unknown; status: string }) => [x.value, x.status])).toEqual([
        [-424242, "Success"], ["pycomm3 odd", "Success"], [42.5, "Success"], ["18446744073709551613", "Success"]
      ])
      expect(r.ss).toEqual({ value: "from pycomm3", status: "Success" })
    }
  }
]
