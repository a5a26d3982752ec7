#!/usr/bin/python3
"""Run Modbus operations with Debian's pymodbus (3.0) client; print one JSON result per line.

usage: client.py HOST PORT UNIT < ops.json   (a JSON list of [op, args...])
ops: rc/rdi/rhr/rir ADDR COUNT, wc ADDR BOOL, wr ADDR V, wcs ADDR [BOOL..], wrs ADDR [V..],
     mask ADDR AND OR, rw RADDR RCOUNT WADDR [V..], devid CODE OBJ
Each result is {"ok": values} or {"exception": code} or {"error": text}.
"""
import json, sys
from pymodbus.client import ModbusTcpClient
from pymodbus.mei_message import ReadDeviceInformationRequest
from pymodbus.register_read_message import ReadWriteMultipleRegistersRequest
from pymodbus.register_write_message import MaskWriteRegisterRequest

host, port, unit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ops = json.load(sys.stdin)
client = ModbusTcpClient(host, port=port, timeout=3, retries=0)
if not client.connect():
    print(json.dumps({"error": "connect failed"}))
    sys.exit(1)

def run(op, *a):
    if op == "rc": r = client.read_coils(a[0], a[1], slave=unit)
    elif op == "rdi": r = client.read_discrete_inputs(a[0], a[1], slave=unit)
    elif op == "rhr": r = client.read_holding_registers(a[0], a[1], slave=unit)
    elif op == "rir": r = client.read_input_registers(a[0], a[1], slave=unit)
    elif op == "wc": r = client.write_coil(a[0], a[1], slave=unit)
    elif op == "wr": r = client.write_register(a[0], a[1], slave=unit)
    elif op == "wcs": r = client.write_coils(a[0], a[1], slave=unit)
    elif op == "wrs": r = client.write_registers(a[0], a[1], slave=unit)
    elif op == "mask": r = client.execute(MaskWriteRegisterRequest(a[0], a[1], a[2], slave=unit))
    elif op == "rw": r = client.execute(ReadWriteMultipleRegistersRequest(read_address=a[0], read_count=a[1], write_address=a[2], write_registers=a[3], slave=unit))
    elif op == "devid": r = client.execute(ReadDeviceInformationRequest(read_code=a[0], object_id=a[1], slave=unit))
    else: return {"error": "unknown op " + op}
    if r is None or not hasattr(r, "isError"): return {"error": repr(r)}
    if r.isError():
        code = getattr(r, "exception_code", None)
        return {"exception": code} if code is not None else {"error": repr(r)}
    if op in ("rc", "rdi"): return {"ok": [bool(b) for b in r.bits[:a[1]]]}
    if op in ("rhr", "rir", "rw"): return {"ok": list(r.registers)}
    if op == "devid": return {"ok": {str(k): (v.decode() if isinstance(v, bytes) else v) for k, v in r.information.items()}}
    return {"ok": True}

for op in ops:
    try:
        print(json.dumps(run(*op)), flush=True)
    except Exception as e:  # a client-side failure is a result, not a crash
        print(json.dumps({"error": type(e).__name__ + ": " + str(e)}), flush=True)
client.close()
