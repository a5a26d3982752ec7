/**
 * Polling a controller (cpppo's `poll`): read tags at a rate with our client, report changes
 * and gaps, record them as history.
 *
 * @module
 */
export {
  changedRuns, type EnipPollerService, makeEnipPoller, type PollChange, type PollConfig, PollConfigError, pollOperations, type PollSummary
} from "./poller.js"
export { formatPollChange, pollRecord } from "./record.js"
