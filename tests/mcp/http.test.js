// alc mcp --http: Streamable HTTP with the SDK client, one runtime for
// every session, the transport's own checks, and the official conformance
// suite's scenarios that apply to a server without the suite's fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { TaskStatusNotificationSchema, CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';

import { BUNDLED, HAVE_BUNDLED, answerSampling, callJson, fakeAnswer, httpClient, httpServer, withTimeout } from './helpers.js';

const pausing = "return alc.llm('What is 6 x 7?') .. '!'";

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize',
                     params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

test('over HTTP: the legacy loop, shared by two clients on one runtime, and a clean stop', async () => {
  const server = await httpServer();
  try {
    const a = await httpClient(server.url);
    const b = await httpClient(server.url);
    const paused = (await callJson(a.client, 'alc_run', { code: pausing })).value;
    assert.equal(paused.status, 'needs_response');
    const seen = (await callJson(b.client, 'alc_status')).value;
    assert.deepEqual(seen.sessions.map((s) => s.session_id), [paused.session_id], 'one runtime for both');
    const done = (await callJson(b.client, 'alc_continue', { session_id: paused.session_id, response: '42' })).value;
    assert.equal(done.result, '42!');
    const tools = await a.client.listTools();
    assert.ok(tools.tools.some((t) => t.name === 'alc_card_find'));
    await a.transport.terminateSession();
    await a.client.close();
    await b.client.close();
  } finally {
    const status = await server.stop();
    assert.equal(status.code, 0);
  }
});

test('over HTTP: sampling on the request stream and progress while it runs', { skip: !HAVE_BUNDLED && 'no bundled packages' }, async () => {
  const server = await httpServer({ extraArgs: ['--package-path', BUNDLED, '--answer-with-client'] });
  try {
    const { client } = await httpClient(server.url, { sampling: true });
    const seen = answerSampling(client);
    const progress = [];
    const done = (await callJson(client, 'alc_advice', { strategy: 'cot', task: 'Why is the sky blue?', opts: { depth: 2 } },
                                 { onprogress: (p) => progress.push(p) })).value;
    assert.equal(done.status, 'completed');
    assert.equal(seen.length, 3);
    assert.equal(done.result.result.conclusion, fakeAnswer(seen[2].messages[0].content.text));
    assert.equal(progress.filter((p) => /^paused/.test(p.message)).length, 3);
    await client.close();
  } finally {
    await server.stop();
  }
});

test('over HTTP: a task waits for input, alc_continue answers, tasks/result delivers', async () => {
  const server = await httpServer();
  try {
    const { client } = await httpClient(server.url);
    let paused;
    const inputRequired = new Promise((resolve) => { paused = resolve; });
    client.setNotificationHandler(TaskStatusNotificationSchema, (note) => {
      if (note.params.status === 'input_required') paused(note.params);
    });
    const { CreateTaskResultSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const created = await client.request(
      { method: 'tools/call', params: { name: 'alc_run', arguments: { code: pausing }, task: {} } }, CreateTaskResultSchema);
    const taskId = created.task.taskId;
    await withTimeout(inputRequired, 'input_required on the standalone stream');
    const pending = client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
    assert.equal((await callJson(client, 'alc_continue', { session_id: taskId, response: '42' })).value.result, '42!');
    const result = await withTimeout(pending, 'tasks/result');
    assert.equal(JSON.parse(result.content[0].text).result, '42!');
    await client.close();
  } finally {
    await server.stop();
  }
});

test('over HTTP: every tool of tools/list answers', async () => {
  const server = await httpServer();
  try {
    const { client } = await httpClient(server.url);
    const sid = (await callJson(client, 'alc_v2_run', { code: "return alc.llm('q')" })).value.session_id;
    const card = (await callJson(client, 'alc_run', {
      code: "local c = alc.card.create({pkg = {name = 'demo'}, model = {id = 'm'}})\nalc.card.alias_set('a', c.card_id)\nreturn c.card_id" })).value.result;
    const args = {
      alc_run: { code: 'return 1' }, alc_advice: { strategy: 'none_such' }, alc_continue: { session_id: sid, response: 'r' },
      alc_status: {}, alc_v2_run: { code: 'return 2' }, alc_v2_state: { session_id: sid },
      alc_v2_resume: { session_id: sid, payload: { payload_kind: 'single', query_id: 'q-0', response: 'x' } },
      alc_v2_cancel: { session_id: sid }, alc_pkg_list: {}, alc_pkg_link: { path: server.box.root },
      alc_pkg_unlink: { name: 'none_such' }, alc_pkg_install: { url: server.box.root }, alc_info: {}, alc_stats: {},
      alc_log_view: {}, alc_card_list: {}, alc_card_get: { card_id: card }, alc_card_find: {},
      alc_card_samples: { card_id: card }, alc_card_lineage: { card_id: card }, alc_card_alias_list: {},
      alc_card_get_by_alias: { name: 'a' },
    };
    // The calls that must fail say why; the others succeed.
    const failing = new Set(['alc_advice', 'alc_v2_resume', 'alc_pkg_link', 'alc_pkg_unlink', 'alc_pkg_install']);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), Object.keys(args).sort());
    for (const tool of tools) {
      const result = await callJson(client, tool.name, args[tool.name]);
      assert.equal(result.isError, failing.has(tool.name), `${tool.name}: ${result.text}`);
      assert.ok(result.text.length > 0, tool.name);
    }
    await client.close();
  } finally {
    await server.stop();
  }
});

test('the HTTP transport refuses what MCP says it must', async () => {
  const server = await httpServer();
  try {
    const missing = await post(server.url, { jsonrpc: '2.0', id: 2, method: 'ping' });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /Mcp-Session-Id/);
    const unknown = await post(server.url, { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': 'nope' });
    assert.equal(unknown.status, 404);
    const origin = await post(server.url, initialize, { origin: 'http://evil.example' });
    assert.equal(origin.status, 403);
    const version = await post(server.url, initialize, { 'mcp-protocol-version': '1999-01-01' });
    assert.equal(version.status, 400);
    const garbage = await post(server.url, '{"jsonrpc":');
    assert.equal(garbage.status, 400);
    assert.equal(JSON.parse(garbage.text).error.code, -32700);

    const opened = await post(server.url, initialize, { accept: 'application/json' });
    assert.equal(opened.status, 200);
    const sid = opened.headers.get('mcp-session-id');
    assert.match(sid, /^mcp-[0-9a-f]{32}$/);
    assert.equal(JSON.parse(opened.text).result.protocolVersion, '2025-11-25');
    const note = await post(server.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid });
    assert.equal(note.status, 202);
    const ping = await post(server.url, { jsonrpc: '2.0', id: 3, method: 'ping' }, { 'mcp-session-id': sid, accept: 'application/json' });
    assert.deepEqual(JSON.parse(ping.text), { jsonrpc: '2.0', id: 3, result: {} });
    const sse = await post(server.url, { jsonrpc: '2.0', id: 4, method: 'ping' }, { 'mcp-session-id': sid });
    assert.match(sse.text, /^event: message\ndata: \{"jsonrpc":"2.0","id":4,"result":\{\}\}\n\n$/);
    const gone = await fetch(server.url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
    assert.equal(gone.status, 200);
    const after = await post(server.url, { jsonrpc: '2.0', id: 5, method: 'ping' }, { 'mcp-session-id': sid });
    assert.equal(after.status, 404);
  } finally {
    await server.stop();
  }
});

// The official suite (@modelcontextprotocol/conformance 0.1.8: the newest
// that runs on Node 20). Its other server scenarios call fixture tools,
// resources and prompts of the suite's reference server that alc has not.
const conformance = fileURLToPath(new URL('node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url));
for (const scenario of ['server-initialize', 'tools-list', 'logging-set-level']) {
  test(`conformance: ${scenario}`, async () => {
    const server = await httpServer();
    try {
      const output = await withTimeout(new Promise((resolve) => {
        const child = spawn(process.execPath, [conformance, 'server', '--url', server.url, '--scenario', scenario],
                            { cwd: server.box.root, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        child.stdout.on('data', (chunk) => { text += chunk; });
        child.stderr.on('data', (chunk) => { text += chunk; });
        child.on('exit', (code) => resolve({ code, text }));
      }), `conformance ${scenario}`, 60000);
      assert.match(output.text, /Passed: 1\/1, 0 failed/, output.text.slice(-2000));
    } finally {
      await server.stop();
    }
  });
}
