#!/usr/bin/env node
// Interop check of the 2025-11-25 experimental tasks: the official MCP TypeScript SDK
// client (`client.experimental.tasks`) against an MCP server over HTTP, in one
// session (--transport streamable-http with the /mcp URL, or sse with the /sse URL).
//
// The server must offer the test tools of tests/session_tasks.rs:
//   sleepy {ms}   may run as a task; reports progress every 100 ms, then "slept N ms"
//   only_task     must run as a task; "done as a task"
//   in_place      never a task; "done in place"
//   tool_fails    may run as a task; answers an isError result "it failed"
//   confirm {file} may run as a task; elicits {confirm: boolean}, then "deleted F" / "kept F"
//
// Checked: the `tasks` capability and `execution.taskSupport` in tools/list;
// callToolStream of sleepy to its result (taskCreated, taskStatus, result carrying the
// related-task `_meta`), with `notifications/tasks/status` received; an elicitation
// the task sends the client, answered by its handler, resuming the task; a tool error
// read `failed` with its result from tasks/result; tasks/list listing every task;
// tasks/cancel of a running task, then -32602 for cancelling it again and for an
// unknown id; -32601 for `task` on a tool that never runs as one and for a
// task-only tool called without it.
//
// Usage: scripts/node tests/clients/typescript/tasks_check.mjs --url URL --transport T [-v]
// Exit 0 with one summary line on stdout; 1 and a message on stderr when a check fails.

import { parseArgs } from 'node:util';

class CheckFailed extends Error {}
const fail = msg => {
    throw new CheckFailed(msg);
};
let VERBOSE = false;
const debug = (...parts) => VERBOSE && process.stderr.write(`${parts.join(' ')}\n`);

const RELATED_TASK = 'io.modelcontextprotocol/related-task';

/// Runs a tool through callToolStream and returns what it yielded.
async function stream(client, name, args, options) {
    const seen = { created: null, statuses: [], result: null, error: null };
    for await (const message of client.experimental.tasks.callToolStream({ name, arguments: args }, undefined, options)) {
        debug('stream', name, message.type, JSON.stringify(message.task ?? message.result ?? message.error?.message));
        if (message.type === 'taskCreated') seen.created = message.task;
        else if (message.type === 'taskStatus') seen.statuses.push(message.task.status);
        else if (message.type === 'result') seen.result = message.result;
        else if (message.type === 'error') seen.error = message.error;
    }
    return seen;
}

async function expectError(what, code, promise) {
    try {
        await promise;
    } catch (e) {
        if (e?.code === code) return;
        fail(`${what}: expected error ${code}, got ${e?.code}: ${e?.message}`);
    }
    fail(`${what}: expected error ${code}, got a result`);
}

async function run(opts, sdk) {
    const { Client, StreamableHTTPClientTransport, SSEClientTransport, types } = sdk;
    const client = new Client({ name: 'actix-mcp-tasks-check', version: '0.0.0' }, { capabilities: { elicitation: {} } });
    const elicited = [];
    client.setRequestHandler(types.ElicitRequestSchema, async request => {
        elicited.push(request.params);
        debug('elicitation', JSON.stringify(request.params));
        return { action: 'accept', content: { confirm: true } };
    });
    const statuses = [];
    client.setNotificationHandler(types.TaskStatusNotificationSchema, notification => {
        statuses.push(notification.params);
        debug('status', JSON.stringify(notification.params));
    });
    const url = new URL(opts.url);
    const transport =
        opts.transport === 'sse' ? new SSEClientTransport(url) : new StreamableHTTPClientTransport(url);
    await client.connect(transport);

    const caps = client.getServerCapabilities();
    if (!caps?.tasks?.requests?.tools?.call) fail(`no tasks.requests.tools.call capability: ${JSON.stringify(caps)}`);
    if (!caps.tasks.list || !caps.tasks.cancel) fail(`tasks.list / tasks.cancel not declared: ${JSON.stringify(caps.tasks)}`);
    const { tools } = await client.listTools();
    const support = Object.fromEntries(tools.map(t => [t.name, t.execution?.taskSupport]));
    if (support.sleepy !== 'optional' || support.only_task !== 'required' || support.in_place !== undefined) {
        fail(`execution.taskSupport as listed: ${JSON.stringify(support)}`);
    }

    // A task to its result, polled by the SDK.
    const progress = [];
    const sleepy = await stream(client, 'sleepy', { ms: 700 }, { onprogress: p => progress.push(p.progress) });
    if (!sleepy.created?.taskId) fail('sleepy: no taskCreated');
    if (sleepy.error) fail(`sleepy: ${sleepy.error.message}`);
    if (sleepy.result?.content?.[0]?.text !== 'slept 700 ms') fail(`sleepy result: ${JSON.stringify(sleepy.result)}`);
    if (sleepy.result._meta?.[RELATED_TASK]?.taskId !== sleepy.created.taskId) {
        fail(`sleepy result lacks its related-task _meta: ${JSON.stringify(sleepy.result._meta)}`);
    }
    if (sleepy.statuses.at(-1) !== 'completed') fail(`sleepy statuses: ${sleepy.statuses}`);

    // A task that needs the user: the elicitation reaches our handler, the task goes on.
    const confirm = await stream(client, 'confirm', { file: 'notes.txt' });
    if (confirm.error) fail(`confirm: ${confirm.error.message}`);
    if (confirm.result?.content?.[0]?.text !== 'deleted notes.txt') fail(`confirm result: ${JSON.stringify(confirm.result)}`);
    if (elicited.length !== 1) fail(`expected one elicitation, got ${elicited.length}`);
    if (elicited[0]._meta?.[RELATED_TASK]?.taskId !== confirm.created.taskId) {
        fail(`the elicitation lacks its related-task _meta: ${JSON.stringify(elicited[0]._meta)}`);
    }

    // A tool error: `failed`, and tasks/result still has the result itself.
    const failing = await stream(client, 'tool_fails', {});
    if (failing.statuses.at(-1) !== 'failed') fail(`tool_fails statuses: ${failing.statuses}`);
    const failed = await client.experimental.tasks.getTaskResult(failing.created.taskId, types.CallToolResultSchema);
    if (failed.isError !== true || failed.content?.[0]?.text !== 'it failed') fail(`tool_fails result: ${JSON.stringify(failed)}`);

    // A task-only tool, through the stream API (which asks for the task on its own).
    const only = await stream(client, 'only_task', {});
    if (only.result?.content?.[0]?.text !== 'done as a task') fail(`only_task: ${JSON.stringify(only)}`);

    // Cancelling a running task; then it is terminal.
    const created = await client.request(
        { method: 'tools/call', params: { name: 'sleepy', arguments: { ms: 60000 }, task: { ttl: 60000 } } },
        types.CreateTaskResultSchema
    );
    const longId = created.task.taskId;
    if (created.task.status !== 'working') fail(`a new task reads ${created.task.status}`);
    const cancelled = await client.experimental.tasks.cancelTask(longId);
    if (cancelled.status !== 'cancelled') fail(`tasks/cancel answered ${JSON.stringify(cancelled)}`);
    if ((await client.experimental.tasks.getTask(longId)).status !== 'cancelled') fail('the cancelled task is not cancelled');
    await expectError('cancelling a cancelled task', -32602, client.experimental.tasks.cancelTask(longId));
    await expectError('tasks/get of an unknown task', -32602, client.experimental.tasks.getTask('no-such-task'));

    // Every task of the session, on one or more pages.
    const listed = new Set();
    let cursor;
    do {
        const page = await client.experimental.tasks.listTasks(cursor);
        page.tasks.forEach(t => listed.add(t.taskId));
        cursor = page.nextCursor;
    } while (cursor);
    for (const id of [sleepy.created.taskId, confirm.created.taskId, failing.created.taskId, only.created.taskId, longId]) {
        if (!listed.has(id)) fail(`tasks/list lacks ${id}: ${[...listed]}`);
    }

    // What the server refuses.
    await expectError(
        'a task of a tool that never runs as one',
        -32601,
        client.request({ method: 'tools/call', params: { name: 'in_place', arguments: {}, task: {} } }, types.CreateTaskResultSchema)
    );
    await expectError(
        'a task-only tool called in place',
        -32601,
        client.request({ method: 'tools/call', params: { name: 'only_task', arguments: {} } }, types.CallToolResultSchema)
    );

    // Status notifications are optional for the server; we send them, on any stream.
    const finals = statuses.filter(s => s.taskId === sleepy.created.taskId && s.status === 'completed');
    if (finals.length !== 1) fail(`expected one 'completed' status notification for sleepy, got ${JSON.stringify(statuses)}`);
    await client.close();
    return { tasks: listed.size, statuses: statuses.length, progress: progress.length, elicited: elicited.length };
}

async function main() {
    const { values } = parseArgs({
        options: {
            url: { type: 'string' },
            transport: { type: 'string', default: 'streamable-http' },
            verbose: { type: 'boolean', short: 'v', default: false }
        }
    });
    VERBOSE = values.verbose;
    if (!values.url || !['streamable-http', 'sse'].includes(values.transport)) {
        process.stderr.write('usage: tasks_check.mjs --url URL --transport streamable-http|sse [-v]\n');
        process.exit(2);
    }
    const timer = setTimeout(() => {
        process.stderr.write('ts-sdk tasks: FAILED: timed out after 60 s\n');
        process.exit(1);
    }, 60_000);
    const [{ Client }, { StreamableHTTPClientTransport }, { SSEClientTransport }, types] = await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
        import('@modelcontextprotocol/sdk/client/sse.js'),
        import('@modelcontextprotocol/sdk/types.js')
    ]);
    try {
        const seen = await run(values, { Client, StreamableHTTPClientTransport, SSEClientTransport, types });
        clearTimeout(timer);
        process.stdout.write(
            `ts-sdk tasks ${values.transport}: ${seen.tasks} tasks ok, ${seen.elicited} elicitation, ` +
                `${seen.statuses} status notifications, ${seen.progress} progress\n`
        );
        process.exit(0);
    } catch (e) {
        process.stderr.write(`ts-sdk tasks: FAILED: ${e instanceof CheckFailed ? e.message : e?.stack ?? e}\n`);
        process.exit(1);
    }
}

main();
