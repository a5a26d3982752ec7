/**
 * Structures (UDTs) and packed BOOL arrays with pycomm3 1.2.14 and pylogix 1.1.5: the tag upload
 * describes each structure as pycomm3 described the same structures on a real controller
 * (test/fixtures/logix-structures.json); members, nested members, array members, BOOL members,
 * whole structures as dicts, bits of integers and of BOOL arrays, written and read back — by the
 * library, by our client, and by the other library.
 */
import { expect } from "@effect/vitest"
import { loadLogixStructures } from "../fixtures/fixtures.js"
import { norm, type PyCase } from "./cases.js"

const facts = loadLogixStructures().structures
const REAL_UDTS = ["pycomm3_AtomicUDT", "pycomm3_AtomicArrayUDT", "pycomm3_NestedUDT"] as const

export const UDT_CONFIG = {
  udts: [
    ...REAL_UDTS.map((n) => facts[n]!.declared!),
    "Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}",
    "Line{Pump:Motor,Count:INT,Flags:BOOL[40],Alarm:BOOL}"
  ],
  tags: ["M=Motor[10]", "L=Line", "N=pycomm3_NestedUDT", "A=pycomm3_AtomicUDT[3]", "BOOLS=BOOL[100]", "DINT1=DINT", "Program:Main.P=Motor", "Big=Motor[40]"]
}

/** pycomm3's description of a data type: members by name (offset, type, array size or bit) and the template. */
const DESCRIBE = `
def describe(plc, name):
    dt = plc.data_types[name]
    members = {}
    for m, i in dt['internal_tags'].items():
        e = {'offset': i['offset'], 'type': i['data_type_name']}
        if 'bit' in i: e['bit'] = i['bit']
        else: e['array'] = i.get('array', 0)
        members[m] = e
    t = dict(dt['template'])
    del t['structure_handle']
    return {'attributes': dt['attributes'], 'members': members, 'template': t}
`

export const UDT_PYCOMM3_CASES: ReadonlyArray<PyCase> = [
  {
    name: "the tag upload describes pycomm3's own test structures exactly as it described them on a real controller",
    code: `${DESCRIBE}
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    out['types'] = {n: describe(plc, n) for n in ${JSON.stringify(REAL_UDTS)} + ['Motor', 'Line']}
    out['tags'] = {t['tag_name']: [t['data_type_name'], t['dim'], t['dimensions'][0]] for t in plc.get_tag_list('*')}
`,
    check: (out) => {
      for (const name of REAL_UDTS) {
        const real = facts[name]!.uploaded
        const { structure_handle: _h, ...template } = real.template
        expect([name, out.types[name].template]).toEqual([name, template])
        expect([name, out.types[name].members]).toEqual([name, Object.fromEntries(real.members.map(({ name: n, ...m }) => [n, m]))])
      }
      expect(out.types.Motor.attributes).toEqual(["Speed", "Running", "Faults", "Name"])
      expect(out.types.Motor.members).toEqual({
        Speed: { offset: 0, type: "REAL", array: 0 }, ZZZZZZZZZZMotor1: { offset: 4, type: "SINT", array: 0 },
        Running: { offset: 4, type: "BOOL", bit: 0 }, Faults: { offset: 8, type: "DINT", array: 4 }, Name: { offset: 24, type: "STRING", array: 0 }
      })
      expect(out.types.Line.members.Pump).toEqual({ offset: 0, type: "Motor", array: 0 })
      expect(out.types.Line.members.Flags).toEqual({ offset: 116, type: "DWORD", array: 2 })
      expect(out.tags).toMatchObject({
        M: ["Motor", 1, 10], L: ["Line", 0, 0], N: ["pycomm3_NestedUDT", 0, 0], A: ["pycomm3_AtomicUDT", 1, 3],
        BOOLS: ["DWORD", 1, 4], "Program:Main.P": ["Motor", 0, 0]
      })
    }
  },
  {
    name: "members, nested members, array members and BOOL members written; read('M[3]') is a dict with them; whole structures written; bits",
    code: `
from pycomm3 import LogixDriver
with LogixDriver(f'{HOST}/1/0') as plc:
    writes = [('M[3].Speed', 1.5), ('M[3].Running', True), ('M[3].Faults[2]', 42), ('M[3].Name', 'pump 3'),
              ('L.Pump.Speed', 2.5), ('L.Alarm', True), ('L.Flags[33]', True), ('N.udt_ary1[2].dint', 77), ('N.udt_ary1[2].bool', True),
              ('N.str_ary1[4]', 'nested'), ('N.udt2.lints[3]', 2**40), ('A[1].real', -0.5), ('DINT1.5', True), ('BOOLS[37]', True),
              ('Program:Main.P.Faults[0]', -9),
              ('M[4]', {'Speed': 9.5, 'Running': True, 'Faults': [1, 2, 3, 4], 'Name': 'whole'})]
    out['write_errors'] = [[t, plc.write(t, v).error] for t, v in writes]
    reads = ['M[3]', 'M[4]', 'L', 'N.udt_ary1[2]', 'N.str_ary1[4]', 'N.udt2.lints[3]', 'A[1]', 'DINT1', 'DINT1.5', 'BOOLS[37]', 'BOOLS[36]',
             'L.Flags[33]', 'M[3].Faults[2]', 'Program:Main.P']
    out['read'] = {t: tag(plc.read(t)) for t in reads}
    big = plc.read('Big[0]{40}')
    out['big'] = [big.error, len(big.value), big.value[39]]
`,
    check: async (out, ctx) => {
      expect(out.write_errors.filter((e: [string, unknown]) => e[1] !== null)).toEqual([])
      const r = (t: string) => { expect([t, out.read[t].error]).toEqual([t, null]); return out.read[t].value }
      expect(r("M[3]")).toEqual({ Speed: 1.5, Running: true, Faults: [0, 0, 42, 0], Name: "pump 3" })
      expect(r("M[4]")).toEqual({ Speed: 9.5, Running: true, Faults: [1, 2, 3, 4], Name: "whole" })
      expect(r("L")).toMatchObject({ Pump: { Speed: 2.5 }, Count: 0, Alarm: true })
      expect(r("L").Flags[33]).toBe(true)
      expect(r("N.udt_ary1[2]")).toMatchObject({ dint: 77, bool: true })
      expect([r("N.str_ary1[4]"), r("N.udt2.lints[3]"), r("A[1]").real, r("DINT1"), r("DINT1.5"), r("BOOLS[37]"), r("BOOLS[36]"), r("L.Flags[33]")])
        .toEqual(["nested", 2 ** 40, -0.5, 32, true, true, false, true])
      expect(r("Program:Main.P")).toMatchObject({ Faults: [-9, 0, 0, 0] })
      expect(out.big).toEqual([null, 40, { Speed: 0, Running: false, Faults: [0, 0, 0, 0], Name: "" }])
      // Our client reads the same structures by member.
      const [m3, m4, l, n2, bits] = await ctx.readBack(["M[3]", "M[4]", "L", "N.udt_ary1[2]", "BOOLS[1]"])
      expect(norm(m3![0])).toEqual(norm(r("M[3]")))
      expect(norm(m4![0])).toEqual(norm(r("M[4]")))
      expect(norm(l![0])).toEqual(norm(r("L")))
      expect(norm(n2![0])).toEqual(norm(r("N.udt_ary1[2]")))
      expect(bits).toEqual([32])
    }
  },
  {
    name: "pylogix reads the members pycomm3 wrote",
    code: `
from pycomm3 import LogixDriver
from pylogix import PLC
with LogixDriver(f'{HOST}/1/0') as plc:
    out['w'] = [plc.write('M[6].Speed', 6.25).error, plc.write('M[6].Faults[3]', -3).error, plc.write('BOOLS[70]', True).error]
with PLC(HOST) as c:
    out['r'] = [resp(c.Read(t)) for t in ['M[6].Speed', 'M[6].Faults[3]', 'BOOLS[70]', 'BOOLS[69]']]
`,
    check: (out) => {
      expect(out.w).toEqual([null, null, null])
      expect(out.r.map((x: { value: unknown; status: string }) => [x.value, x.status])).toEqual([[6.25, "Success"], [-3, "Success"], [true, "Success"], [false, "Success"]])
    }
  }
]

export const UDT_PYLOGIX_CASES: ReadonlyArray<PyCase> = [
  {
    name: "GetTagList lists the structure tags with their UDT field lists; Read/Write of M[3].Speed, BOOLS[37], members and bits",
    code: `
from pylogix import PLC
with PLC(HOST) as c:
    tags = c.GetTagList()
    out['tags'] = {t.TagName: [t.DataType, t.Array, t.Size] for t in tags.Value}
    out['udts'] = {u.Name: [[f.TagName, f.DataType, f.Array, f.Size] for f in u.Fields] for u in c.UDT.values()}
    writes = [('M[3].Speed', 1.5), ('M[5].Speed', 1.5), ('BOOLS[37]', True), ('M[5].Running', True), ('L.Pump.Faults[1]', 11), ('M[5].Name', 'pylogix'), ('DINT1.3', True)]
    out['writes'] = [[t, c.Write(t, v).Status] for t, v in writes]
    out['reads'] = {t: resp(c.Read(t)) for t in ['M[3].Speed', 'M[5].Speed', 'BOOLS[37]', 'BOOLS[36]', 'M[5].Running', 'L.Pump.Faults[1]', 'M[5].Name', 'DINT1.3']}
    out['dint'] = resp(c.Read('DINT1'))
    out['bools'] = resp(c.Read('BOOLS[32]', 8))
    out['list'] = [resp(x) for x in c.Read(['M[5].Speed', 'BOOLS[37]', 'L.Pump.Faults[1]', 'M[5].Name'])]
    raw = c.Read('M[5]')
    out['raw'] = [raw.Status, len(raw.Value)]
`,
    check: async (out, ctx) => {
      expect(out.tags).toMatchObject({ M: ["Motor", 1, 10], L: ["Line", 0, 0], N: ["pycomm3_NestedUDT", 0, 0], BOOLS: ["DWORD", 1, 4] })
      expect(out.udts.Motor).toEqual([
        ["Speed", "REAL", 0, 0], ["ZZZZZZZZZZMotor1", "SINT", 0, 0], ["Running", "BOOL", 0, 0], ["Faults", "DINT", 1, 4], ["Name", "ASCIISTRING82", 0, 0]
      ])
      expect(out.udts.Line).toEqual([["Pump", "Motor", 0, 0], ["Count", "INT", 0, 0], ["Flags", "DWORD", 1, 2], ["ZZZZZZZZZZLine3", "SINT", 0, 0], ["Alarm", "BOOL", 0, 0]])
      expect(out.udts.pycomm3_NestedUDT.map((f: Array<unknown>) => f.slice(0, 2))).toEqual([
        ["udt1", "pycomm3_AtomicUDT"], ["udt_ary1", "pycomm3_AtomicUDT"], ["udt2", "pycomm3_AtomicArrayUDT"], ["udt_ary2", "pycomm3_AtomicArrayUDT"],
        ["str1", "ASCIISTRING82"], ["str_ary1", "ASCIISTRING82"]
      ])
      expect(out.writes.map((w: [string, string]) => w[1])).toEqual(out.writes.map(() => "Success"))
      expect(Object.fromEntries(Object.entries(out.reads).map(([t, x]) => [t, [(x as { value: unknown }).value, (x as { status: string }).status]]))).toEqual({
        "M[3].Speed": [1.5, "Success"], "M[5].Speed": [1.5, "Success"], "BOOLS[37]": [true, "Success"], "BOOLS[36]": [false, "Success"], "M[5].Running": [true, "Success"],
        "L.Pump.Faults[1]": [11, "Success"], "M[5].Name": ["pylogix", "Success"], "DINT1.3": [true, "Success"]
      })
      expect(out.dint.value & 8).toBe(8) // bit 3 set by Read-Modify-Write (other bits as other cases left them)
      expect(out.bools.value).toEqual([false, false, false, false, false, true, false, false])
      expect(out.list.map((x: { value: unknown }) => x.value)).toEqual([1.5, true, 11, "pylogix"])
      expect(out.raw).toEqual(["Success", 112])
      const [m3, pump] = await ctx.readBack(["M[5]", "L.Pump"])
      expect(m3![0]).toEqual({ Speed: 1.5, Running: true, Faults: [0, 0, 0, 0], Name: "pylogix" })
      expect(pump![0]).toMatchObject({ Faults: [0, 11, 0, 0] })
    }
  }
]
