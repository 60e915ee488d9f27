#!/usr/bin/env node
// Interop check: the official MCP TypeScript SDK client against an MCP server over HTTP.
//
// Uses the SDK's `Client` with `StreamableHTTPClientTransport` (--transport streamable-http,
// URL of the MCP endpoint, e.g. /mcp) or the legacy `SSEClientTransport` (--transport sse,
// URL of the SSE endpoint, e.g. /sse). Per session: connect (initialize handshake), list
// tools, call `echo` (argument `message`) and `uppercase_text` (argument `text`) once each,
// then --calls concurrent calls with unique arguments, asserting every answer exactly; then
// check that invalid arguments yield results with isError: true. --sessions sessions run
// concurrently. At the end of a streamable-http session, `transport.terminateSession()`
// sends DELETE (the SDK accepts any 2xx or 405) before the client is closed.
//
// Transport errors the SDK reports only through `onerror` (e.g. a failed standalone GET
// stream) while a session is in use also fail the check.
//
// Usage:
//   scripts/node tests/clients/typescript/check.mjs --url http://127.0.0.1:PORT/mcp \
//       --transport streamable-http [--sessions N] [--calls M] [--timeout S] [--no-invalid] [-v]
//
// Exit status 0 and one summary line on stdout on success:
//   ts-sdk <transport>: N sessions, K calls ok (protocol V)[; mcp-session-id present (N distinct)|absent]
// non-zero and a message on stderr on failure (1: check failed or timed out, 2: usage, 3: SDK missing).

import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';

const USAGE =
    'usage: node check.mjs --url URL --transport streamable-http|sse [--sessions N] [--calls M] ' +
    '[--timeout SECONDS] [--no-invalid] [-v]';

let PREFIX = 'ts-sdk';
let VERBOSE = false;

class CheckFailed extends Error {}

function fail(msg) {
    throw new CheckFailed(msg);
}

function debug(...parts) {
    if (VERBOSE) {
        process.stderr.write(`${new Date().toISOString()} ${parts.join(' ')}\n`);
    }
}

function describe(err) {
    if (err instanceof CheckFailed) return err.message;
    if (err instanceof AggregateError) return err.errors.map(describe).join('; ');
    if (err instanceof Error) {
        const code = err.code !== undefined ? ` (code ${err.code})` : '';
        const cause = err.cause ? ` [cause: ${describe(err.cause)}]` : '';
        return `${err.name}${code}: ${err.message}${cause}`;
    }
    return String(err);
}

function usage(msg) {
    process.stderr.write(`check.mjs: ${msg}\n${USAGE}\n`);
    process.exit(2);
}

function parseCli() {
    let values;
    try {
        ({ values } = parseArgs({
            options: {
                url: { type: 'string' },
                transport: { type: 'string' },
                sessions: { type: 'string', default: '1' },
                calls: { type: 'string', default: '4' },
                timeout: { type: 'string', default: '60' },
                'no-invalid': { type: 'boolean', default: false },
                verbose: { type: 'boolean', short: 'v', default: false },
                help: { type: 'boolean', short: 'h', default: false }
            },
            strict: true,
            allowPositionals: false
        }));
    } catch (e) {
        usage(e.message);
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
    }
    if (!values.url) usage('--url is required');
    let url;
    try {
        url = new URL(values.url);
    } catch {
        usage(`--url is not a valid URL: ${values.url}`);
    }
    if (!['streamable-http', 'sse'].includes(values.transport)) {
        usage('--transport must be streamable-http or sse');
    }
    const int = (name, min) => {
        const v = values[name];
        if (!/^\d+$/.test(v) || Number(v) < min) usage(`--${name} must be an integer >= ${min}, got ${v}`);
        return Number(v);
    };
    const timeout = Number(values.timeout);
    if (!(timeout > 0)) usage(`--timeout must be > 0, got ${values.timeout}`);
    return {
        url,
        transport: values.transport,
        sessions: int('sessions', 1),
        calls: int('calls', 0),
        timeoutMs: timeout * 1000,
        checkInvalid: !values['no-invalid'],
        verbose: values.verbose
    };
}

// ---------------------------------------------------------------------------
// unique arguments (same shapes as the Python check: characters that must survive
// JSON and SSE framing; uppercase inputs whose upper-casing is unambiguous)
// ---------------------------------------------------------------------------

const newTag = (sessionNo, callNo) => `s${sessionNo}-c${callNo}-${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const echoMessage = tag => `echo ${tag} "quoted" back\\slash \u00e9\u00e8 \u2713 \u{1f600}\nline2\r\n: data: x\tend`;
const upperInput = tag => `upper ${tag} mixed Case \u00e9t\u00e9 abc-xyz`;

const EXPECTED_TOOLS = { echo: 'message', uppercase_text: 'text' };

// ---------------------------------------------------------------------------
// assertions
// ---------------------------------------------------------------------------

function checkTools(result) {
    if (!result || !Array.isArray(result.tools)) fail(`tools/list: no tools array in ${JSON.stringify(result)}`);
    const byName = new Map(result.tools.map(t => [t.name, t]));
    for (const [name, arg] of Object.entries(EXPECTED_TOOLS)) {
        const tool = byName.get(name);
        if (!tool) fail(`tools/list does not contain '${name}' (got ${JSON.stringify([...byName.keys()].sort())})`);
        const schema = tool.inputSchema;
        if (!schema || schema.type !== 'object') {
            fail(`tool '${name}': inputSchema.type is ${JSON.stringify(schema?.type)}, expected 'object'`);
        }
        const prop = schema.properties?.[arg];
        if (!prop) fail(`tool '${name}': inputSchema.properties lacks '${arg}' (schema: ${JSON.stringify(schema)})`);
        if (typeof prop === 'object' && 'type' in prop && prop.type !== 'string') {
            fail(`tool '${name}': inputSchema.properties.${arg}.type is ${JSON.stringify(prop.type)}, expected 'string'`);
        }
        if (!Array.isArray(schema.required) || !schema.required.includes(arg)) {
            fail(`tool '${name}': inputSchema.required ${JSON.stringify(schema.required)} does not contain '${arg}'`);
        }
    }
}

function checkTextResult(what, result, expected) {
    if (!result || !Array.isArray(result.content)) fail(`${what}: not a CallToolResult: ${JSON.stringify(result)}`);
    if (result.isError) fail(`${what}: isError is true: ${JSON.stringify(result.content)}`);
    if (result.content.length !== 1 || result.content[0].type !== 'text') {
        fail(`${what}: expected exactly one text content block, got ${JSON.stringify(result.content)}`);
    }
    const got = result.content[0].text;
    if (got !== expected) {
        fail(`${what}: wrong text\n  expected: ${JSON.stringify(expected)}\n  got:      ${JSON.stringify(got)}`);
    }
}

// ---------------------------------------------------------------------------
// one session
// ---------------------------------------------------------------------------

async function callTool(client, name, args) {
    // A JSON-RPC error rejects; a tool error is a result with isError: true.
    return client.callTool({ name, arguments: args });
}

async function oneCall(client, sessionNo, callNo, tool) {
    const tag = newTag(sessionNo, callNo);
    const what = `session ${sessionNo} call ${callNo} ${tool}`;
    try {
        if (tool === 'echo') {
            const msg = echoMessage(tag);
            checkTextResult(what, await callTool(client, 'echo', { message: msg }), msg);
        } else {
            const text = upperInput(tag);
            checkTextResult(what, await callTool(client, 'uppercase_text', { text }), text.toUpperCase());
        }
    } catch (e) {
        if (e instanceof CheckFailed) throw e;
        fail(`${what}: ${describe(e)}`);
    }
}

async function checkInvalid(client, sessionNo) {
    const cases = [
        ['echo with message=123 (wrong type)', { message: 123 }],
        ['echo without message (missing argument)', {}]
    ];
    for (const [what, args] of cases) {
        let result;
        try {
            result = await callTool(client, 'echo', args);
        } catch (e) {
            fail(`session ${sessionNo}: ${what}: expected a result with isError=true, got an error instead: ${describe(e)}`);
        }
        if (!result || !Array.isArray(result.content)) {
            fail(`session ${sessionNo}: ${what}: expected a CallToolResult, got ${JSON.stringify(result)}`);
        }
        if (result.isError !== true) {
            fail(`session ${sessionNo}: ${what}: expected isError=true, got isError=${JSON.stringify(result.isError)}, ` +
                `content=${JSON.stringify(result.content)}`);
        }
    }
    return cases.length;
}

async function runSession(opts, sdk, sessionNo) {
    const log = (...p) => debug(`session ${sessionNo}:`, ...p);
    // Observe every HTTP exchange the transport makes (for -v and for the session-id checks).
    const sessionIdsSeen = new Set();
    const observingFetch = async (url, init) => {
        const method = init?.method ?? 'GET';
        const response = await fetch(url, init);
        const sid = response.headers.get('mcp-session-id');
        if (sid) sessionIdsSeen.add(sid);
        const sent = new Headers(init?.headers);
        log(`${method} ${new URL(url).pathname} -> ${response.status} ${response.headers.get('content-type') ?? '-'}`,
            `(sent mcp-session-id=${sent.get('mcp-session-id')}, mcp-protocol-version=${sent.get('mcp-protocol-version')},`,
            `last-event-id=${sent.get('last-event-id')}; got mcp-session-id=${sid})`);
        return response;
    };

    const streamable = opts.transport === 'streamable-http';
    const transport = streamable
        ? new sdk.StreamableHTTPClientTransport(opts.url, { fetch: observingFetch })
        : new sdk.SSEClientTransport(opts.url, { fetch: observingFetch });

    // Client.connect() hands the negotiated version to the transport: record it on the way.
    let protocol;
    const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
    transport.setProtocolVersion = version => {
        protocol = version;
        setProtocolVersion?.(version);
    };

    const client = new sdk.Client({ name: 'actix-mcp-ts-client-check', version: '1.0.0' });
    // Errors the SDK reports out of band (failed GET stream, unparsable SSE event, ...).
    const transportErrors = [];
    let closing = false;
    client.onerror = err => {
        log(`onerror${closing ? ' (while closing, ignored)' : ''}: ${describe(err)}`);
        if (!closing) transportErrors.push(err);
    };

    let done = 0;
    let sessionId;
    try {
        try {
            await client.connect(transport);
        } catch (e) {
            fail(`session ${sessionNo}: connect/initialize failed: ${describe(e)}`);
        }
        if (!protocol) fail(`session ${sessionNo}: connected but no protocol version was negotiated`);
        const server = client.getServerVersion();
        sessionId = streamable ? transport.sessionId : undefined;
        log(`connected: protocol ${protocol}, server ${JSON.stringify(server)}, mcp-session-id ${sessionId}`);

        let tools;
        try {
            tools = await client.listTools();
        } catch (e) {
            fail(`session ${sessionNo}: tools/list failed: ${describe(e)}`);
        }
        checkTools(tools);

        // One deterministic call of each tool first, sequentially.
        for (const tool of ['echo', 'uppercase_text']) {
            await oneCall(client, sessionNo, `first-${tool}`, tool);
            done += 1;
        }

        // Then `calls` concurrent calls, alternating tools, each with unique arguments.
        const results = await Promise.allSettled(
            Array.from({ length: opts.calls }, (_, i) => oneCall(client, sessionNo, i, i % 2 === 0 ? 'echo' : 'uppercase_text'))
        );
        const errors = results.filter(r => r.status === 'rejected').map(r => r.reason);
        if (errors.length) {
            fail(`session ${sessionNo}: ${errors.length}/${opts.calls} concurrent calls failed; first: ${describe(errors[0])}`);
        }
        done += opts.calls;

        if (opts.checkInvalid) done += await checkInvalid(client, sessionNo);

        if (transportErrors.length) {
            fail(`session ${sessionNo}: the SDK transport reported ${transportErrors.length} error(s); first: ` +
                describe(transportErrors[0]));
        }

        if (streamable) {
            if (transport.sessionId !== sessionId) {
                fail(`session ${sessionNo}: mcp-session-id changed during the session: ${sessionId} -> ${transport.sessionId}`);
            }
            if (sessionIdsSeen.size > 1) {
                fail(`session ${sessionNo}: responses carried different mcp-session-id values: ${[...sessionIdsSeen].join(', ')}`);
            }
            closing = true; // the GET stream, if any, is torn down from here on
            try {
                await transport.terminateSession(); // DELETE; no-op without a session id
            } catch (e) {
                fail(`session ${sessionNo}: terminateSession (DELETE) failed: ${describe(e)}`);
            }
            if (sessionId && transport.sessionId !== undefined) {
                fail(`session ${sessionNo}: terminateSession did not end the session`);
            }
        }
    } finally {
        closing = true;
        await client.close().catch(e => log(`close: ${describe(e)}`));
    }
    return { calls: done, protocol, sessionId };
}

async function runAll(opts, sdk) {
    const results = await Promise.allSettled(
        Array.from({ length: opts.sessions }, (_, n) => runSession(opts, sdk, n))
    );
    const errors = results.map((r, n) => [n, r]).filter(([, r]) => r.status === 'rejected');
    if (errors.length) {
        const lines = errors.slice(0, 10).map(([n, r]) =>
            r.reason instanceof CheckFailed ? `  ${r.reason.message}` : `  session ${n}: ${describe(r.reason)}`);
        const more = errors.length > 10 ? `\n  ... and ${errors.length - 10} more` : '';
        fail(`${errors.length}/${opts.sessions} sessions failed:\n${lines.join('\n')}${more}`);
    }
    const outcomes = results.map(r => r.value);
    const ids = outcomes.map(o => o.sessionId).filter(Boolean);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) fail(`two concurrent sessions were given the same mcp-session-id ${JSON.stringify(dup)}`);
    return outcomes;
}

async function main() {
    const opts = parseCli();
    VERBOSE = opts.verbose;
    PREFIX = `ts-sdk ${opts.transport}`;

    const major = Number(process.versions.node.split('.')[0]);
    if (major < 22) {
        process.stderr.write(`${PREFIX}: warning: running on Node ${process.versions.node}, the interop test pins Node 22 ` +
            '(use scripts/node)\n');
    }

    // Hard overall timeout: whatever hangs, report and exit.
    const timer = setTimeout(() => {
        process.stderr.write(`${PREFIX}: FAILED: timed out after ${opts.timeoutMs / 1000}s (url ${opts.url})\n`);
        process.exit(1);
    }, opts.timeoutMs);

    let sdk;
    try {
        const [{ Client }, { StreamableHTTPClientTransport }, { SSEClientTransport }] = await Promise.all([
            import('@modelcontextprotocol/sdk/client/index.js'),
            import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
            import('@modelcontextprotocol/sdk/client/sse.js')
        ]);
        sdk = { Client, StreamableHTTPClientTransport, SSEClientTransport };
    } catch (e) {
        process.stderr.write(`${PREFIX}: cannot load @modelcontextprotocol/sdk (${describe(e)}); ` +
            'run scripts/install-test-deps.sh\n');
        process.exit(3);
    }

    let outcomes;
    try {
        outcomes = await runAll(opts, sdk);
    } catch (e) {
        process.stderr.write(`${PREFIX}: FAILED: ${e instanceof CheckFailed ? e.message : `unexpected error: ${describe(e)}`}\n`);
        if (VERBOSE && !(e instanceof CheckFailed)) process.stderr.write(`${e?.stack ?? e}\n`);
        process.exit(1);
    }
    clearTimeout(timer);

    const calls = outcomes.reduce((n, o) => n + o.calls, 0);
    const protocols = [...new Set(outcomes.map(o => o.protocol))].sort().join(', ');
    let summary = `${PREFIX}: ${opts.sessions} sessions, ${calls} calls ok (protocol ${protocols})`;
    if (opts.transport === 'streamable-http') {
        const ids = outcomes.map(o => o.sessionId).filter(Boolean);
        if (ids.length === 0) summary += '; mcp-session-id absent';
        else if (ids.length === outcomes.length) summary += `; mcp-session-id present (${new Set(ids).size} distinct)`;
        else summary += `; mcp-session-id present in ${ids.length}/${outcomes.length} sessions`;
    }
    process.stdout.write(`${summary}\n`);
    // Do not wait for idle keep-alive sockets or SSE reconnect timers.
    process.exit(0);
}

process.on('unhandledRejection', reason => {
    process.stderr.write(`${PREFIX}: FAILED: unhandled rejection: ${describe(reason)}\n`);
    process.exit(1);
});

main();
