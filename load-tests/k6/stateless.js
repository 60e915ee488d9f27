// 2026-07-28 stateless load: every VU sends CALLS independent tools/call POSTs to
// /mcp (no initialize, no session; MCP-Protocol-Version / Mcp-Method / Mcp-Name
// headers and `_meta` on each), plus a trickle of requests whose Mcp-Name does not
// mirror the body, which the server must refuse (400) — so the run shows the
// stateless path validates rather than answering anything. The server serves
// 2026-07-28 by default.
//
// Env: MCP_URL (base URL, default http://127.0.0.1:8000); MODE=json|sse|any (the
// Content-Type answers must have); SMOKE=1 for a few-seconds run; VUS, CALLS (per
// VU), P95_MS, P99_MS (thresholds on tools/call latency). Any failed check, any
// unexpected HTTP error and a latency threshold miss fail the run (non-zero exit).
import exec from 'k6/execution';
import { BASE_URL, MODE, SMOKE, STATELESS_VERSION, int, statelessPost, callEchoStateless, expect, answerOf } from './mcp.js';

const VUS = int('VUS', SMOKE ? 2 : 20);
const CALLS = int('CALLS', SMOKE ? 25 : 500);
const P95_MS = int('P95_MS', 50);
const P99_MS = int('P99_MS', 200);

export const options = {
  scenarios: {
    calls: {
      executor: 'per-vu-iterations',
      exec: 'calls',
      vus: VUS,
      iterations: CALLS,
      maxDuration: SMOKE ? '30s' : '10m',
    },
    mismatched: {
      executor: 'per-vu-iterations',
      exec: 'mismatched',
      vus: 1,
      iterations: SMOKE ? 3 : 20,
      maxDuration: SMOKE ? '30s' : '10m',
    },
  },
  thresholds: {
    mcp_errors: ['count==0'],
    // Every call of every VU was answered correctly.
    mcp_calls_ok: [`count>=${VUS * CALLS}`],
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    'http_req_duration{name:stateless tools/call}': [`p(95)<${P95_MS}`, `p(99)<${P99_MS}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

export function setup() {
  console.log(`${STATELESS_VERSION} stateless at ${BASE_URL}/mcp, MODE=${MODE}, ${VUS} VUs x ${CALLS} calls`);
}

export function calls() {
  const iteration = exec.vu.iterationInScenario;
  callEchoStateless(iteration + 1, `vu${exec.vu.idInTest}-call${iteration}`);
}

// Mcp-Name says one tool, the body calls another: 400 (an expected status).
export function mismatched() {
  const res = statelessPost(
    'tools/call',
    { name: 'echo', arguments: { message: 'x' } },
    1,
    'mismatched Mcp-Name',
    { 'Mcp-Name': 'uppercase_text' },
    400,
  );
  expect(res, 'mismatched Mcp-Name', {
    'mismatched Mcp-Name: 400': (r) => r.status === 400,
    'mismatched Mcp-Name: a JSON-RPC error': (r) => {
      const a = answerOf(r, 1);
      return !!(a && a.error && !a.result);
    },
  });
}
