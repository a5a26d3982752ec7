/**
 * pylogix 1.1.5 (PLC) cases: Read/Write of every type (scalar, element, array, list of tags),
 * strings, bits of a word, 2000-byte values, GetTagList with program tags, GetProgramsList,
 * GetProgramTagList, GetDeviceProperties, GetPLCTime/SetPLCTime, and errors that keep the
 * connection. Every value written is read back by our own client, and some by pycomm3.
 */
import { expect } from "@effect/vitest"
import { asPython, clientOp, norm, type PyCase } from "./cases.js"

export const PYLOGIX_CASES: ReadonlyArray<PyCase> = [
  {
    name: "Write and Read of every type: scalars, elements, arrays and a list of tags",
    code: `
from pylogix import PLC
written = {
    'B': True, 'S': -128, 'I': -32768, 'D': -2147483648, 'L': -(2**63), 'US': 255, 'UI': 65535, 'UD': 4294967295,
    'UL': 2**64 - 1, 'R': -1.5, 'LR': 1e300, 'SS': 'pylogix', 'STR': 'odd',
    'SA[4]': -9, 'IA[4]': 300, 'DA[4]': -70000, 'LA[4]': -(2**40), 'USA[4]': 9, 'UIA[4]': 60001, 'UDA[4]': 3000000001,
    'ULA[4]': 2**63 + 1, 'RA[4]': 0.75, 'LRA[4]': -1e-300, 'SSA[3]': 'even', 'STRA[3]': 'x' * 82,
}
arrays = {'SA[12]': [5, -4, 3, -2, 1], 'DA[12]': [10, 20, 30], 'RA[12]': [1.25, -2.5], 'LRA[12]': [0.1, 0.2, 0.3]}
with PLC(HOST) as c:
    out['written'] = written
    out['writes'] = [[t, c.Write(t, v).Status] for t, v in written.items()]
    out['read'] = {t: resp(c.Read(t)) for t in written}
    out['array_writes'] = [[t, c.Write(t, v).Status] for t, v in arrays.items()]
    out['arrays'] = {t: [v, resp(c.Read(t, len(v)))] for t, v in arrays.items()}
    pairs = [('DA[16]', 161), ('IA[16]', -162), ('RA[16]', 16.5), ('STRA[0]', 'listed')]
    out['pairs'] = pairs
    out['list_write'] = [x.Status for x in c.Write(pairs)]
    out['list_read'] = [resp(x) for x in c.Read([t for t, _ in pairs])]
`,
    check: async (out, ctx) => {
      const tags = Object.keys(out.written)
      expect(out.writes).toEqual(tags.map((t) => [t, "Success"]))
      expect(Object.fromEntries(tags.map((t) => [t, norm(out.read[t].value)]))).toEqual(norm(out.written))
      const got = await ctx.readBack(tags.map((t) => clientOp(t)))
      tags.forEach((t, i) => expect([t, asPython(got[i]!, false)]).toEqual([t, norm(out.written[t])]))

      expect(out.array_writes.map((x: [string, string]) => x[1])).toEqual(["Success", "Success", "Success", "Success"])
      for (const [t, [values, read]] of Object.entries(out.arrays) as Array<[string, [Array<unknown>, { value: unknown }]]>) {
        expect([t, norm(read.value)]).toEqual([t, norm(values)])
        const [mine] = await ctx.readBack([clientOp(t, values.length)])
        expect([t, norm(mine)]).toEqual([t, norm(values)])
      }

      expect(out.list_write).toEqual(["Success", "Success", "Success", "Success"])
      expect(norm(out.list_read.map((r: { value: unknown }) => r.value))).toEqual(norm(out.pairs.map((p: [string, unknown]) => p[1])))
      const listed = await ctx.readBack(out.pairs.map((p: [string]) => p[0]))
      expect(norm(listed.map((v) => v[0]))).toEqual(norm(out.pairs.map((p: [string, unknown]) => p[1])))
    }
  },
  {
    name: "STRING members, bits of a word (Read-Modify-Write) and a 2000-byte write and read",
    code: `
from pylogix import PLC
with PLC(HOST) as c:
    out['str'] = c.Write('STR', 'members').Status
    out['len'] = resp(c.Read('STR.LEN'))
    out['data'] = resp(c.Read('STR.DATA[0]', 3))
    out['bits_zero'] = c.Write('BITS', 0).Status
    out['bit5'] = c.Write('BITS.5', True).Status
    out['bit31'] = c.Write('BITS.31', True).Status
    out['bits'] = resp(c.Read('BITS'))
    out['bit5_read'] = resp(c.Read('BITS.5'))
    values = [(i * 13) % 32768 - 16384 for i in range(1000)]
    out['big_write'] = c.Write('SCADA[0]', values).Status
    r = c.Read('SCADA[0]', 1000)
    out['big_read'] = [r.Status, r.Value == values, values[0], values[999]]
`,
    check: async (out, ctx) => {
      expect([out.str, out.len, out.data]).toEqual(["Success", { value: 7, status: "Success" }, { value: [109, 101, 109], status: "Success" }])
      expect([out.bits_zero, out.bit5, out.bit31, out.bits, out.bit5_read]).toEqual([
        "Success", "Success", "Success", { value: -2147483616, status: "Success" }, { value: true, status: "Success" }
      ])
      expect(out.big_write).toBe("Success")
      expect(out.big_read.slice(0, 2)).toEqual(["Success", true])
      const [str, bits, big] = await ctx.readBack(["STR", "BITS", "SCADA[0-999]"])
      expect([str, bits, [big![0], big![999]]]).toEqual([["members"], [-2147483616], out.big_read.slice(2)])
    }
  },
  {
    name: "GetTagList with program tags, GetProgramsList, GetProgramTagList (the STRING template read ends)",
    code: `
from pylogix import PLC
with PLC(HOST) as c:
    r = c.GetTagList()
    out['status'] = r.Status
    out['tags'] = {t.TagName: [t.DataType, t.Array, t.Size] for t in (r.Value or [])}
    out['udt'] = {str(k): [u.Name, [f.TagName for f in u.Fields]] for k, u in c.UDT.items()}
    out['programs'] = resp(c.GetProgramsList())
    p = c.GetProgramTagList('Program:MainProgram')
    out['program_tags'] = [p.Status, sorted(t.TagName for t in (p.Value or []))]
`,
    check: (out) => {
      expect(out.status).toBe("Success")
      expect(out.tags).toMatchObject({
        B: ["BOOL", 0, 0], LR: ["LREAL", 0, 0], SCADA: ["INT", 1, 1000], STRA: ["ASCIISTRING82", 1, 5], STR: ["ASCIISTRING82", 0, 0],
        "Program:MainProgram": ["", 0, 0], "Program:MainProgram.Speed": ["REAL", 0, 0], "Program:MainProgram.Count": ["DINT", 0, 0],
        "Program:Other.Flag": ["BOOL", 0, 0]
      })
      expect(out.udt).toEqual({ [String(0x0fce)]: ["ASCIISTRING82", ["LEN", "DATA"]] })
      expect(out.programs).toEqual({ value: ["Program:MainProgram", "Program:Other"], status: "Success" })
      expect(out.program_tags).toEqual(["Success", ["Program:MainProgram.Count", "Program:MainProgram.Speed"]])
    }
  },
  {
    name: "GetDeviceProperties; GetPLCTime and SetPLCTime (Wall Clock Time object), read back by pycomm3",
    code: `
import time
from pylogix import PLC
with PLC(HOST) as c:
    d = c.GetDeviceProperties()
    out['device'] = [d.Status, d.Value.ProductName, d.Value.Vendor, d.Value.DeviceType, d.Value.ProductCode, d.Value.Revision, d.Value.SerialNumber]
    out['time'] = resp(c.GetPLCTime(raw=True))
    out['host'] = int(time.time() * 1e6)
    out['set'] = resp(c.SetPLCTime())
    out['after'] = resp(c.GetPLCTime(raw=True))
`,
    check: async (out, ctx) => {
      expect(out.device).toEqual(["Success", "1756-L61/B LOGIX5561", "Rockwell Automation/Allen-Bradley", "Programmable Logic Controller", 54, "20.11", "0x6c061a"])
      expect(out.time.status).toBe("Success")
      expect(out.time.value).toBeGreaterThan(0)
      // SetPLCTime sends the PC's clock (µs); the controller's clock runs from it.
      expect(out.set.status).toBe("Success")
      expect(out.after.value - out.set.value).toBeGreaterThanOrEqual(0)
      expect(out.after.value - out.set.value).toBeLessThan(10e6)
      const p = await ctx.python("from pycomm3 import LogixDriver\nwith LogixDriver(f'{HOST}/1/0', init_tags=False) as plc:\n    out['t'] = tag(plc.get_plc_time())")
      expect(p.t.value.microseconds - out.set.value).toBeGreaterThanOrEqual(0)
      expect(p.t.value.microseconds - out.set.value).toBeLessThan(60e6)
    }
  },
  {
    name: "errors (unknown tag, beyond the end, wrong program) leave the connection working",
    code: `
from pylogix import PLC
with PLC(HOST) as c:
    out['unknown_read'] = resp(c.Read('Nope'))
    out['unknown_write'] = resp(c.Write('Nope', 1))
    out['beyond_read'] = resp(c.Read('SA[20]'))
    out['beyond_count'] = resp(c.Read('SCADA[995]', 10))
    out['list'] = [resp(x) for x in c.Read(['D', 'Nope', 'I'])]
    out['program'] = resp(c.GetProgramTagList('Program:Missing'))
    out['after'] = resp(c.Read('D'))
`,
    check: async (out, ctx) => {
      const [d, i] = await ctx.readBack(["D", "I"])
      expect(out.unknown_read).toEqual({ value: null, status: "Path destination unknown" })
      expect(out.unknown_write.status).toBe("Path destination unknown")
      expect(out.beyond_read).toEqual({ value: null, status: "Unknown error 255" })
      expect(out.beyond_count.status).toBe("Unknown error 255")
      expect(out.list.map((r: { status: string }) => r.status)).toEqual(["Success", "Path destination unknown", "Success"])
      expect(norm([out.list[0].value, out.list[2].value])).toEqual(norm([d![0], i![0]]))
      expect(out.program.status).toBe("Program not found, please check name!")
      expect(out.after.status).toBe("Success")
    }
  },
  {
    name: "pycomm3 reads what pylogix wrote",
    code: `
from pylogix import PLC
with PLC(HOST) as c:
    out['w'] = [x.Status for x in c.Write([('DA[18]', 1818), ('STRA[4]', 'from pylogix'), ('Program:MainProgram.Count', -5), ('LRA[18]', 2.5)])]
    out['ss'] = c.Write('SSA[4]', 'short').Status
`,
    check: async (out, ctx) => {
      expect([...out.w, out.ss]).toEqual(["Success", "Success", "Success", "Success", "Success"])
      const p = await ctx.python(`
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    out['r'] = [[x.value, x.error] for x in plc.read('DA[18]', 'STRA[4]', 'Program:MainProgram.Count', 'LRA[18]', 'SSA[4]')]
`)
      expect(p.r).toEqual([[1818, null], ["from pylogix", null], [-5, null], [2.5, null], ["short", null]])
    }
  }
]
