#!/usr/bin/python3
"""A Modbus/TCP server on Debian's pymodbus (3.0): the third-party device our poller polls, and the
baseline of `npm run bench -- modbus`.

usage: server.py HOST PORT [REGISTERS [BITS]]   prints "HOST:PORT" (the bound address) once listening.
Tables (zero-based): coils and discrete inputs 0..BITS-1 (default 2000), holding and input
registers 0..REGISTERS-1 (default 10000);
holding register i starts at i % 65536, input register i at 2*i % 65536, coil i at i % 3 == 0.
"""
import asyncio, logging, sys
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import ModbusTcpServer

logging.getLogger("pymodbus").setLevel(logging.CRITICAL)

async def main(host, port, regs, bits):
    store = ModbusSlaveContext(
        co=ModbusSequentialDataBlock(0, [i % 3 == 0 for i in range(bits)]),
        di=ModbusSequentialDataBlock(0, [i % 2 == 0 for i in range(bits)]),
        hr=ModbusSequentialDataBlock(0, [i % 65536 for i in range(regs)]),
        ir=ModbusSequentialDataBlock(0, [(2 * i) % 65536 for i in range(regs)]),
        zero_mode=True)
    server = ModbusTcpServer(ModbusServerContext(slaves=store, single=True), address=(host, port))
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    h, p = server.server.sockets[0].getsockname()[:2]
    print(f"{h}:{p}", flush=True)
    await task

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 10000, int(sys.argv[4]) if len(sys.argv) > 4 else 2000))
