// Shared helpers for the k6 scripts: MCP over Streamable HTTP with stock k6/http.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

export const PROTOCOL_VERSION = '2025-06-18';
// The stateless revision: no session; the version goes in a header and in `_meta`.
export const STATELESS_VERSION = '2026-07-28';

// Base URL of the server (no trailing slash), e.g. http://127.0.0.1:8000.
export const BASE_URL = (__ENV.MCP_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');

// Every failed MCP-level check (wrong status, wrong Content-Type, wrong answer).
export const mcpErrors = new Counter('mcp_errors');
// tools/call requests answered correctly (thresholds make sure the load ran).
export const mcpCallsOk = new Counter('mcp_calls_ok');

// `json`: tools/call answers must be application/json; `sse`: text/event-stream
// (start the server with --response-mode sse); `any`: either.
export const MODE = (__ENV.MODE || 'json').toLowerCase();

export function int(name, fallback) {
  const v = __ENV[name];
  return v === undefined || v === '' ? fallback : parseInt(v, 10);
}

export const SMOKE = __ENV.SMOKE === '1';

function headers(sessionId) {
  const h = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
  };
  if (sessionId) {
    h['Mcp-Session-Id'] = sessionId;
    h['MCP-Protocol-Version'] = PROTOCOL_VERSION;
  }
  return h;
}

// Records a check; a failed one also counts in mcp_errors.
export function expect(res, what, conditions) {
  const ok = check(res, conditions, { step: what });
  if (!ok) {
    mcpErrors.add(1, { step: what });
  }
  return ok;
}

// `expectedStatus`: a status that is not an http_req_failed (default: 2xx/3xx).
export function post(message, sessionId, name, expectedStatus) {
  const params = { headers: headers(sessionId), tags: { name } };
  if (expectedStatus) {
    params.responseCallback = http.expectedStatuses(expectedStatus);
  }
  return http.post(`${BASE_URL}/mcp`, JSON.stringify(message), params);
}

function contentType(res) {
  return (res.headers['Content-Type'] || '').toLowerCase();
}

// The JSON-RPC answer with `id` in a POST's body: the JSON body itself, or the
// `data:` lines of a (buffered) SSE body.
export function answerOf(res, id) {
  const type = contentType(res);
  try {
    if (type.startsWith('application/json')) {
      const msg = JSON.parse(res.body);
      return msg.id === id ? msg : null;
    }
    if (type.startsWith('text/event-stream')) {
      for (const event of String(res.body).split(/\r?\n\r?\n/)) {
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
          .join('\n');
        if (!data) continue;
        const msg = JSON.parse(data);
        if (msg.id === id) return msg;
      }
    }
  } catch (e) {
    return null;
  }
  return null;
}

function modeOk(res) {
  const type = contentType(res);
  if (MODE === 'json') return type.startsWith('application/json');
  if (MODE === 'sse') return type.startsWith('text/event-stream');
  return type.startsWith('application/json') || type.startsWith('text/event-stream');
}

// initialize + notifications/initialized; the session id, or null.
export function openSession(clientName) {
  const init = post(
    {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: clientName, version: '0' },
      },
    },
    null,
    'initialize',
  );
  const sessionId = init.headers['Mcp-Session-Id'];
  const ok = expect(init, 'initialize', {
    'initialize: 200': (r) => r.status === 200,
    'initialize: Mcp-Session-Id': () => !!sessionId,
    'initialize: result': (r) => {
      const a = answerOf(r, 0);
      return !!(a && a.result && a.result.protocolVersion);
    },
  });
  if (!ok) return null;
  const note = post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId, 'initialized');
  if (!expect(note, 'initialized', { 'initialized: 202': (r) => r.status === 202 })) return null;
  return sessionId;
}

// One tools/call of echo; checks status, Content-Type (per MODE), id and content.
export function callEcho(sessionId, id, message) {
  const res = post(
    {
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message } },
    },
    sessionId,
    'tools/call',
  );
  const ok = expect(res, 'tools/call', {
    'tools/call: 200': (r) => r.status === 200,
    'tools/call: Content-Type per MODE': modeOk,
    'tools/call: echoed': (r) => {
      const a = answerOf(r, id);
      return !!(
        a &&
        a.result &&
        Array.isArray(a.result.content) &&
        a.result.content.length === 1 &&
        a.result.content[0].type === 'text' &&
        a.result.content[0].text === message
      );
    },
  });
  if (ok) {
    mcpCallsOk.add(1);
  }
  return ok;
}

export function deleteSession(sessionId) {
  const res = http.del(`${BASE_URL}/mcp`, null, {
    headers: headers(sessionId),
    tags: { name: 'DELETE' },
  });
  return expect(res, 'DELETE', { 'DELETE: 200': (r) => r.status === 200 });
}

// A 2026-07-28 stateless request: no session; MCP-Protocol-Version, and Mcp-Method /
// Mcp-Name mirroring the body (override them with `extraHeaders` to send a bad one);
// `params._meta` declares the revision and the client's (empty) capabilities.
export function statelessPost(method, params, id, name, extraHeaders, expectedStatus) {
  const h = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': STATELESS_VERSION,
    'Mcp-Method': method,
  };
  if (method === 'tools/call' || method === 'prompts/get') h['Mcp-Name'] = params.name;
  Object.assign(h, extraHeaders || {});
  const body = {
    jsonrpc: '2.0',
    id,
    method,
    params: Object.assign({}, params, {
      _meta: {
        'io.modelcontextprotocol/protocolVersion': STATELESS_VERSION,
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    }),
  };
  const p = { headers: h, tags: { name } };
  if (expectedStatus) {
    p.responseCallback = http.expectedStatuses(expectedStatus);
  }
  return http.post(`${BASE_URL}/mcp`, JSON.stringify(body), p);
}

// One stateless tools/call of echo: 200 per MODE, the echo, a complete result, and
// no session opened.
export function callEchoStateless(id, message) {
  const res = statelessPost('tools/call', { name: 'echo', arguments: { message } }, id, 'stateless tools/call');
  const ok = expect(res, 'stateless tools/call', {
    'stateless tools/call: 200': (r) => r.status === 200,
    'stateless tools/call: Content-Type per MODE': modeOk,
    'stateless tools/call: no Mcp-Session-Id': (r) => !r.headers['Mcp-Session-Id'],
    'stateless tools/call: echoed, complete': (r) => {
      const a = answerOf(r, id);
      return !!(
        a &&
        a.result &&
        a.result.resultType === 'complete' &&
        Array.isArray(a.result.content) &&
        a.result.content.length === 1 &&
        a.result.content[0].type === 'text' &&
        a.result.content[0].text === message
      );
    },
  });
  if (ok) {
    mcpCallsOk.add(1);
  }
  return ok;
}
