// Legacy HTTP+SSE soak: thousands of concurrent long-lived `GET /sse` streams held
// open with http.asyncRequest, while another scenario drives tools/call over
// Streamable HTTP on the same server.
//
// Stock k6 buffers a response body until it ends, so a stream cannot be read while
// it is open (and its session cannot be initialized). The streams are therefore
// left uninitialized and the SERVER ends them: start actix-mcp with
//   --init-timeout-secs $HOLD_SECS --keep-alive-secs $KEEPALIVE_SECS
// so each stream stays up HOLD_SECS, carries keep-alive comments, and then closes
// cleanly. Each stream is then checked: 200, text/event-stream, first event
// `endpoint` (/messages?session_id=...), enough `: keep-alive` comments, the body
// ending with one, and held open for at least HOLD_SECS - 1.
//
// Env: MCP_URL (base URL, default http://127.0.0.1:8000); STREAMS (default 2000);
// STREAMS_PER_VU (concurrent streams per VU, default 250); HOLD_SECS (= the
// server's --init-timeout-secs, default 20); KEEPALIVE_SECS (= the server's
// --keep-alive-secs, default 2); CALL_VUS (default 2); CALLS_PER_SESSION (default
// 20); P99_MS; SMOKE=1 for a few-seconds run (100 streams, HOLD_SECS 4,
// KEEPALIVE_SECS 1 unless set). Any failed check fails the run.
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { BASE_URL, SMOKE, int, openSession, callEcho, deleteSession, expect } from './mcp.js';

const STREAMS = int('STREAMS', SMOKE ? 100 : 2000);
const STREAMS_PER_VU = int('STREAMS_PER_VU', 250);
const HOLD_SECS = int('HOLD_SECS', SMOKE ? 4 : 20);
const KEEPALIVE_SECS = int('KEEPALIVE_SECS', SMOKE ? 1 : 2);
const CALL_VUS = int('CALL_VUS', 2);
const CALLS_PER_SESSION = int('CALLS_PER_SESSION', 20);
const P99_MS = int('P99_MS', 200);
const STREAM_VUS = Math.ceil(STREAMS / STREAMS_PER_VU);
// The first keep-alive follows the endpoint event at once; be lenient by one.
const MIN_KEEPALIVES = Math.max(1, Math.floor(HOLD_SECS / KEEPALIVE_SECS) - 1);

const streamHeld = new Trend('sse_stream_held_secs');
const streamsChecked = new Counter('sse_streams_checked');

export const options = {
  scenarios: {
    streams: {
      executor: 'per-vu-iterations',
      exec: 'holdStreams',
      vus: STREAM_VUS,
      iterations: 1,
      maxDuration: `${HOLD_SECS + 60}s`,
    },
    calls: {
      executor: 'constant-vus',
      exec: 'calls',
      vus: CALL_VUS,
      duration: `${HOLD_SECS}s`,
    },
  },
  thresholds: {
    mcp_errors: ['count==0'],
    // Every stream was held and checked, and the calls scenario did run.
    sse_streams_checked: [`count==${STREAMS}`],
    mcp_calls_ok: ['count>0'],
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    sse_stream_held_secs: [`min>=${HOLD_SECS - 1}`],
    'http_req_duration{name:tools/call}': [`p(99)<${P99_MS}`],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
};

export function setup() {
  console.log(
    `${STREAMS} legacy streams on ${BASE_URL}/sse (${STREAM_VUS} VUs), held ${HOLD_SECS}s with keep-alives every ${KEEPALIVE_SECS}s; ${CALL_VUS} VUs calling over ${BASE_URL}/mcp`,
  );
}

function count(haystack, needle) {
  return haystack.split(needle).length - 1;
}

export async function holdStreams() {
  // One iteration per VU of this scenario, numbered 0.. (VU ids are shared with
  // the other scenario, so they cannot number the streams).
  const first = exec.scenario.iterationInTest * STREAMS_PER_VU;
  const n = Math.max(0, Math.min(STREAMS_PER_VU, STREAMS - first));
  const pending = [];
  for (let i = 0; i < n; i++) {
    pending.push(
      http.asyncRequest('GET', `${BASE_URL}/sse`, null, {
        headers: { Accept: 'text/event-stream' },
        timeout: `${HOLD_SECS + 30}s`,
        tags: { name: 'GET /sse' },
      }),
    );
  }
  const responses = await Promise.all(pending);
  for (const res of responses) {
    const body = typeof res.body === 'string' ? res.body : '';
    streamHeld.add(res.timings.duration / 1000);
    streamsChecked.add(1);
    expect(res, 'sse stream', {
      'stream: 200': (r) => r.status === 200,
      'stream: text/event-stream': (r) =>
        (r.headers['Content-Type'] || '').startsWith('text/event-stream'),
      'stream: endpoint event first': () =>
        /^event: endpoint\ndata: \/[^\n]*session_id=[0-9a-fA-F-]+\n\n/.test(body),
      'stream: keep-alives arrived': () => count(body, ': keep-alive\n\n') >= MIN_KEEPALIVES,
      'stream: ends with a keep-alive': () => body.endsWith(': keep-alive\n\n'),
      'stream: held open': (r) => r.timings.duration >= (HOLD_SECS - 1) * 1000,
    });
  }
}

// One Streamable HTTP session per iteration: initialize, calls, DELETE.
export function calls() {
  const sessionId = openSession('k6-soak');
  if (!sessionId) return;
  for (let i = 1; i <= CALLS_PER_SESSION; i++) {
    if (!callEcho(sessionId, i, `soak-${exec.vu.idInTest}-${exec.vu.iterationInScenario}-${i}`)) break;
  }
  deleteSession(sessionId);
}
