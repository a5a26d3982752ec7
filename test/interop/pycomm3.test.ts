/**
 * Interop: pycomm3 1.2.14 (../shared/clients/pycomm3), the most used Python Logix library,
 * against our simulator on 127.0.0.4:44818, each case a small Python script (see
 * pycomm3.cases.ts). Skipped, with one line saying why, when python3 or the clients are missing.
 */
import { describeCases } from "./cases.js"
import { PYCOMM3_CASES } from "./pycomm3.cases.js"

describeCases("pycomm3 against the simulator", "127.0.0.4", PYCOMM3_CASES)
