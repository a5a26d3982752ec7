/**
 * Interop: pylogix 1.1.5 (../shared/clients/pylogix), a widely used Python Logix library,
 * against our simulator on 127.0.0.5:44818, each case a small Python script (see
 * pylogix.cases.ts). Skipped, with one line saying why, when python3 or the clients are missing.
 */
import { describeCases } from "./cases.js"
import { PYLOGIX_CASES } from "./pylogix.cases.js"

describeCases("pylogix against the simulator", "127.0.0.5", PYLOGIX_CASES)
