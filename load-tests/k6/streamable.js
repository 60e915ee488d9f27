// Streamable HTTP load: one MCP session per VU (initialize, initialized, a loop of
// tools/call, DELETE after the last call), plus a session-churn scenario (open,
// call, DELETE, and a check that the deleted session answers 404).
//
// Env: MCP_URL (base URL, default http://127.0.0.1:8000); MODE=json|sse|any (the
// Content-Type tools/call answers must have; sse needs the server's
// --response-mode sse); SMOKE=1 for a few-seconds run; VUS, CALLS (per VU),
// CHURN_RATE (sessions/s), DURATION (churn, e.g. 30s), P95_MS, P99_MS (thresholds
// on tools/call latency). Any failed check, any HTTP error and a latency threshold
// miss fail the run (non-zero exit).
import exec from 'k6/execution';
import { BASE_URL, MODE, SMOKE, int, openSession, callEcho, deleteSession, post, expect } from './mcp.js';

const VUS = int('VUS', SMOKE ? 2 : 20);
const CALLS = int('CALLS', SMOKE ? 25 : 500);
const CHURN_RATE = int('CHURN_RATE', SMOKE ? 5 : 50);
const DURATION = __ENV.DURATION || (SMOKE ? '3s' : '30s');
const P95_MS = int('P95_MS', 50);
const P99_MS = int('P99_MS', 200);

export const options = {
  scenarios: {
    sessions: {
      executor: 'per-vu-iterations',
      exec: 'sessionCalls',
      vus: VUS,
      iterations: CALLS,
      maxDuration: SMOKE ? '30s' : '10m',
    },
    churn: {
      executor: 'constant-arrival-rate',
      exec: 'churn',
      rate: CHURN_RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: Math.max(2, Math.ceil(CHURN_RATE / 10)),
      maxVUs: Math.max(4, CHURN_RATE),
    },
  },
  thresholds: {
    mcp_errors: ['count==0'],
    // Every session call of every VU, and at least one churned session, happened.
    mcp_calls_ok: [`count>=${VUS * CALLS + 1}`],
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    'http_req_duration{name:tools/call}': [`p(95)<${P95_MS}`, `p(99)<${P99_MS}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

export function setup() {
  console.log(`Streamable HTTP at ${BASE_URL}/mcp, MODE=${MODE}, ${VUS} VUs x ${CALLS} calls, churn ${CHURN_RATE}/s for ${DURATION}`);
}

// This VU's session (each VU has its own JS runtime, so this is per VU).
let sessionId = null;

export function sessionCalls() {
  const iteration = exec.vu.iterationInScenario;
  if (!sessionId) {
    sessionId = openSession('k6-streamable');
    if (!sessionId) return;
  }
  callEcho(sessionId, iteration + 1, `vu${exec.vu.idInTest}-call${iteration}`);
  if (iteration === CALLS - 1) {
    deleteSession(sessionId);
    sessionId = null;
  }
}

export function churn() {
  const id = openSession('k6-churn');
  if (!id) return;
  callEcho(id, 1, `churn-${exec.scenario.iterationInTest}`);
  if (!deleteSession(id)) return;
  // A deleted session is gone: 404 (an expected status, so not an http_req_failed).
  const after = post(
    { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
    id,
    'after-DELETE',
    404,
  );
  expect(after, 'after-DELETE', { 'after DELETE: 404': (r) => r.status === 404 });
}
