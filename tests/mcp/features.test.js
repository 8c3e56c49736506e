// What alc mcp adds to the original, through the SDK client over stdio:
// sampling, MCP Tasks, progress notifications, cancellation, log messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { LoggingMessageNotificationSchema, TaskStatusNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

import { BUNDLED, HAVE_BUNDLED, answerSampling, callJson, fakeAnswer, stdioClient, withTimeout } from './helpers.js';

const cot = { strategy: 'cot', task: 'Why is the sky blue?', opts: { depth: 2 } };

test('a full cot run in one call: the server samples every prompt from the client', { skip: !HAVE_BUNDLED && 'no bundled packages' }, async () => {
  const { client, close } = await stdioClient({ sampling: true, extraArgs: ['--package-path', BUNDLED, '--answer-with-client'] });
  try {
    const seen = answerSampling(client);
    const done = (await callJson(client, 'alc_advice', cot)).value;
    assert.equal(done.status, 'completed');
    assert.equal(seen.length, 3);
    assert.equal(seen[0].systemPrompt, 'You are a deep thinker. Each step should reveal a new insight.');
    assert.equal(seen[0].maxTokens, 200);
    assert.equal(seen[2].maxTokens, 500);
    assert.equal(done.result.result.conclusion, fakeAnswer(seen[2].messages[0].content.text));
    assert.deepEqual(done.stats.auto.prompt_tokens, { tokens: 21, source: 'provided' }, 'the usage the client returned');
  } finally {
    await close();
  }
});

test('sampling per call, and the needs_response loop when not asked for', async () => {
  const { client, close } = await stdioClient({ sampling: true });
  try {
    const seen = answerSampling(client);
    const code = "return alc.llm('What is 6 x 7?')";
    const looped = (await callJson(client, 'alc_run', { code })).value;
    assert.equal(looped.status, 'needs_response', 'no --answer-with-client: the original loop');
    const sampled = (await callJson(client, 'alc_run', { code, answer_with_client: true })).value;
    assert.equal(sampled.result, '42');
    assert.equal(seen.length, 1);
  } finally {
    await close();
  }
});

test('without the sampling capability --answer-with-client falls back to needs_response', async () => {
  const { client, close } = await stdioClient({ extraArgs: ['--answer-with-client'] });
  try {
    const paused = (await callJson(client, 'alc_run', { code: "return alc.llm('q')" })).value;
    assert.equal(paused.status, 'needs_response');
  } finally {
    await close();
  }
});

test('a sampling error ends the call with the error and the session cancelled', async () => {
  const { client, close } = await stdioClient({ sampling: true });
  try {
    const { CreateMessageRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    client.setRequestHandler(CreateMessageRequestSchema, async () => { throw new Error('the user declined'); });
    const failed = (await callJson(client, 'alc_run', { code: "return alc.llm('q')", answer_with_client: true })).value;
    assert.equal(failed.status, 'error');
    assert.match(failed.error, /^sampling\/createMessage failed: .*the user declined/);
  } finally {
    await close();
  }
});

test('a full cot run as a task, answered through sampling', { skip: !HAVE_BUNDLED && 'no bundled packages' }, async () => {
  const { client, close } = await stdioClient({ sampling: true, extraArgs: ['--package-path', BUNDLED, '--answer-with-client'] });
  try {
    answerSampling(client);
    const statuses = [];
    client.setNotificationHandler(TaskStatusNotificationSchema, (note) => statuses.push(note.params.status));
    const messages = [];
    for await (const message of client.experimental.tasks.callToolStream(
      { name: 'alc_advice', arguments: cot }, undefined, { task: { ttl: 60000 } })) {
      messages.push(message);
    }
    assert.equal(messages[0].type, 'taskCreated');
    const task = messages[0].task;
    assert.match(task.taskId, /^ses-/);
    assert.equal(task.ttl, 3 * 3600 * 1000, "the session's ttl");
    const result = messages.at(-1);
    assert.equal(result.type, 'result');
    const feed = JSON.parse(result.result.content[0].text);
    assert.equal(feed.status, 'completed');
    assert.equal(feed.result.result.chain.length, 2);
    const final = await client.experimental.tasks.getTask(task.taskId);
    assert.equal(final.status, 'completed');
    assert.ok(statuses.includes('completed'));
    const listed = await client.experimental.tasks.listTasks();
    assert.ok(listed.tasks.some((t) => t.taskId === task.taskId));
    await assert.rejects(client.experimental.tasks.cancelTask(task.taskId), /terminal status 'completed'/);
  } finally {
    await close();
  }
});

test('a task waits in input_required until alc_continue answers it; tasks/result then has the end', async () => {
  const { client, close } = await stdioClient();
  try {
    const statuses = [];
    let paused;
    const inputRequired = new Promise((resolve) => { paused = resolve; });
    client.setNotificationHandler(TaskStatusNotificationSchema, (note) => {
      statuses.push(note.params.status);
      if (note.params.status === 'input_required') paused(note.params);
    });
    const { CreateTaskResultSchema, CallToolResultSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const created = await withTimeout(client.request(
      { method: 'tools/call', params: { name: 'alc_run', arguments: { code: "return alc.llm('What is 6 x 7?') .. '!'" }, task: { ttl: 1000 } } },
      CreateTaskResultSchema), 'task creation');
    const taskId = created.task.taskId;
    const note = await withTimeout(inputRequired, 'input_required');
    assert.match(note.statusMessage, /What is 6 x 7\?/);
    assert.equal((await client.experimental.tasks.getTask(taskId)).status, 'input_required');
    const pending = client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
    const answered = (await callJson(client, 'alc_continue', { session_id: taskId, response: '42' })).value;
    assert.equal(answered.status, 'completed');
    const result = await withTimeout(pending, 'tasks/result');
    assert.equal(JSON.parse(result.content[0].text).result, '42!');
    assert.equal(result._meta['io.modelcontextprotocol/related-task'].taskId, taskId);
    assert.deepEqual(statuses.slice(-1), ['completed']);
  } finally {
    await close();
  }
});

test('tasks/cancel cancels the session behind a task', async () => {
  const { client, close } = await stdioClient();
  try {
    const { CreateTaskResultSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const created = await client.request(
      { method: 'tools/call', params: { name: 'alc_v2_run', arguments: { code: "return alc.llm('q')" }, task: {} } },
      CreateTaskResultSchema);
    const cancelled = await client.experimental.tasks.cancelTask(created.task.taskId);
    assert.equal(cancelled.status, 'cancelled');
    const state = (await callJson(client, 'alc_v2_state', { session_id: created.task.taskId })).value;
    assert.equal(state.state, 'cancelled');
    await assert.rejects(client.experimental.tasks.getTask('ses-none'), /Task not found/);
  } finally {
    await close();
  }
});

test('progress notifications come from alc.progress and each pause, rate-limited, and stop at the end', async () => {
  const { client, close } = await stdioClient({ sampling: true });
  try {
    answerSampling(client);
    const progress = [];
    const code = "for i = 1, 2000 do alc.progress(i, 2000, 'step') end\n" +
                 "local a = alc.llm('What is 6 x 7?')\nlocal b = alc.llm('What is 6 x 7?')\nreturn a .. b";
    const done = (await callJson(client, 'alc_run', { code, answer_with_client: true },
                                 { onprogress: (p) => progress.push(p) })).value;
    assert.equal(done.result, '4242');
    const pauses = progress.filter((p) => /^paused/.test(p.message));
    assert.equal(pauses.length, 2, 'each pause is told');
    const steps = progress.filter((p) => /step/.test(p.message));
    assert.ok(steps.length >= 1 && steps.length < 2000, `rate-limited: ${steps.length} of 2000`);
    for (let i = 1; i < progress.length; ++i) assert.ok(progress[i].progress > progress[i - 1].progress);
  } finally {
    await close();
  }
});

test('cancelling a call (notifications/cancelled) cancels its session; the server goes on', async () => {
  const { client, close } = await stdioClient({ sampling: true });
  try {
    let asked;
    const sampling = new Promise((resolve) => { asked = resolve; });
    const { CreateMessageRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    // Never answered: the call waits until it is cancelled.
    client.setRequestHandler(CreateMessageRequestSchema, (request) => { asked(request.params); return new Promise(() => {}); });
    const controller = new AbortController();
    const call = client.callTool({ name: 'alc_run', arguments: { code: "return alc.llm('q')", answer_with_client: true } },
                                 undefined, { signal: controller.signal });
    const params = await withTimeout(sampling, 'the sampling request');
    controller.abort('changed my mind');
    await assert.rejects(call, /changed my mind|abort/i);
    const sid = params.metadata.session_id;
    let state;
    for (let i = 0; i < 1000; ++i) {
      state = (await callJson(client, 'alc_v2_state', { session_id: sid })).value;
      if (state.state === 'cancelled') break;
    }
    assert.equal(state.state, 'cancelled');
    assert.equal(state.reason.detail, 'changed my mind');
  } finally {
    await close();
  }
});

test('session logs reach the client as notifications/message once it set a level', async () => {
  const { client, close } = await stdioClient();
  try {
    const logs = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => logs.push(note.params));
    await client.setLoggingLevel('info');
    const code = "alc.log('debug', 'hidden')\nalc.log('warn', 'careful')\nprint('hello')\nreturn alc.llm('q')";
    const paused = (await callJson(client, 'alc_run', { code })).value;
    assert.equal(paused.status, 'needs_response');
    assert.deepEqual(logs.map((l) => [l.level, l.data.message]), [['warning', 'careful'], ['info', 'hello']]);
    assert.equal(logs[0].data.session_id, paused.session_id);
  } finally {
    await close();
  }
});

test('--responder: the server answers every prompt itself, a legacy call answers at the end', async () => {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { sandbox } = await import('./helpers.js');
  const box = sandbox();
  const answers = join(box.root, 'answers.jsonl');
  writeFileSync(answers, '{"response": "6"}\n{"response": "7", "usage": {"prompt_tokens": 2, "completion_tokens": 1}}\n');
  const { client, close } = await stdioClient({ box, extraArgs: ['--responder', `script:${answers}`] });
  try {
    const code = "local a = alc.llm('first?')\nlocal r = alc.llm_batch({{prompt = 'second?'}})\nreturn a .. r[1]";
    const done = (await callJson(client, 'alc_run', { code })).value;
    assert.equal(done.status, 'completed');
    assert.equal(done.result, '67');
    assert.equal(done.stats.auto.llm_calls, 2);
    const starved = (await callJson(client, 'alc_run', { code: "return alc.llm('third?')" })).value;
    assert.equal(starved.status, 'cancelled', 'the script ran out of answers');
    assert.match(starved.reason.detail, /^the responder has no answer/);
  } finally {
    await close();
  }
});

test('--responder openai: a model endpoint answers every prompt, with the usage it reports', async () => {
  const { createServer } = await import('node:http');
  const { sandbox } = await import('./helpers.js');
  const requests = [];
  // A chat-completions endpoint on 127.0.0.1 that answers with the prompt's length.
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const parsed = JSON.parse(body);
      requests.push({ url: req.url, auth: req.headers.authorization, body: parsed });
      const prompt = parsed.messages[parsed.messages.length - 1].content;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        choices: [{ message: { role: 'assistant', content: `len ${prompt.length}` } }],
        usage: { prompt_tokens: 11, completion_tokens: 4 },
      }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const box = sandbox();
  box.env.ALC_TEST_KEY = 'sk-test';
  const { client, close } = await stdioClient({
    box,
    extraArgs: ['--responder', 'openai', '--base-url', `http://127.0.0.1:${server.address().port}/v1`,
                '--model', 'fake-model', '--api-key-env', 'ALC_TEST_KEY'],
  });
  try {
    const done = (await callJson(client, 'alc_run', { code: "return alc.llm('hello')" })).value;
    assert.equal(done.status, 'completed');
    assert.equal(done.result, 'len 5');
    assert.equal(requests.length, 1);
    assert.equal(requests[0].url, '/v1/chat/completions');
    assert.equal(requests[0].auth, 'Bearer sk-test');
    assert.equal(requests[0].body.model, 'fake-model');
    assert.deepEqual(done.stats.auto.prompt_tokens, { tokens: 11, source: 'provided' });
  } finally {
    await close();
    server.close();
  }
});
