// The session tools through the SDK client over stdio: algocline's legacy
// loop (alc_run / alc_advice → needs_response → alc_continue → completed),
// alc_status, the v2 tools, logs and stats.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { BUNDLED, HAVE_BUNDLED, callJson, fakeAnswer, stdioClient } from './helpers.js';

const pausing = "local a = alc.llm('What is 6 x 7?', {system = 'Answer with a number.'})\nreturn {answer = a}";

test('alc_run pauses with needs_response, alc_continue completes it with result and stats', async () => {
  const { client, close } = await stdioClient();
  try {
    const paused = (await callJson(client, 'alc_run', { code: pausing })).value;
    assert.equal(paused.status, 'needs_response');
    assert.equal(paused.query_id, 'q-0');
    assert.equal(paused.prompt, 'What is 6 x 7?');
    assert.equal(paused.system, 'Answer with a number.');
    assert.equal(paused.max_tokens, 1024);
    assert.match(paused.session_id, /^ses-/);

    const done = (await callJson(client, 'alc_continue', { session_id: paused.session_id, response: '42',
                                                           usage: { prompt_tokens: 12, completion_tokens: 1 } })).value;
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.result, { answer: '42' });
    assert.equal(done.stats.auto.llm_calls, 1);
    assert.equal(done.stats.auto.rounds, 1);
    assert.deepEqual(done.stats.auto.prompt_tokens, { tokens: 12, source: 'provided' });
    assert.deepEqual(done.stats.custom, {});

    const again = await callJson(client, 'alc_continue', { session_id: paused.session_id, response: 'x' });
    assert.equal(again.isError, true);
    assert.match(again.text, /^Continue failed: invalid state transition: expected Paused, got Completed/);
  } finally {
    await close();
  }
});

test('a script that needs no answer completes at once; a failing one reports error as a result', async () => {
  const { client, close } = await stdioClient();
  try {
    const done = (await callJson(client, 'alc_run', { code: 'return {x = ctx.n * 2}', ctx: { n: 21 } })).value;
    assert.deepEqual(done.result, { x: 42 });
    assert.equal(done.stats.auto.total_tokens.source, 'definite');
    const failed = await callJson(client, 'alc_run', { code: "error('boom')" });
    assert.equal(failed.isError, false, 'a script error is still a successful call, as in the original');
    assert.equal(failed.value.status, 'error');
    assert.match(failed.value.error, /^lua error: script:1: boom/);
  } finally {
    await close();
  }
});

test('the argument errors of alc_run and alc_continue are the original words', async () => {
  const { client, close } = await stdioClient();
  try {
    assert.equal((await callJson(client, 'alc_run', {})).text, 'Either `code` or `code_file` must be provided.');
    assert.equal((await callJson(client, 'alc_run', { code: 'return 1', code_file: '/x' })).text,
                 'Provide either `code` or `code_file`, not both.');
    assert.match((await callJson(client, 'alc_run', { code_file: '/no/such.lua' })).text, /^Failed to read \/no\/such.lua/);
    assert.match((await callJson(client, 'alc_run', { code: 'return 1', ctx: [1] })).text, /ctx must be a JSON object/);
    assert.equal((await callJson(client, 'alc_continue', { session_id: 'ses-0' })).text,
                 "Either 'response' or 'responses' must be provided");
    assert.equal((await callJson(client, 'alc_continue', { session_id: 'ses-0', responses: [] })).text, 'Empty responses array');
    assert.equal((await callJson(client, 'alc_continue', { session_id: 'ses-0', response: 'x' })).text,
                 "Continue failed: session 'ses-0' not found");
  } finally {
    await close();
  }
});

test('a batch pause lists its queries; partial answers are accepted, the last one runs it on', async () => {
  const { client, close } = await stdioClient();
  try {
    const code = "local r = alc.llm_batch({{prompt = 'A?'}, {prompt = 'B?'}})\nreturn r[1] .. r[2]";
    const paused = (await callJson(client, 'alc_run', { code })).value;
    assert.equal(paused.queries.length, 2);
    assert.deepEqual(paused.queries.map((q) => q.id), ['q-0', 'q-1']);
    const sid = paused.session_id;
    const ambiguous = await callJson(client, 'alc_continue', { session_id: sid, response: 'x' });
    assert.equal(ambiguous.text, 'Continue failed: invalid transition: 2 queries pending; specify query_id explicitly');
    const partial = (await callJson(client, 'alc_continue', { session_id: sid, response: 'a', query_id: 'q-0' })).value;
    assert.deepEqual(partial, { status: 'accepted', remaining: 1 });
    const unknown = await callJson(client, 'alc_continue', { session_id: sid, response: 'x', query_id: 'q-9' });
    assert.equal(unknown.text, 'Continue failed: unknown query_id: q-9');
    const done = (await callJson(client, 'alc_continue', { session_id: sid, responses: [{ query_id: 'q-1', response: 'b' }] })).value;
    assert.equal(done.result, 'ab');
  } finally {
    await close();
  }
});

test('alc_status lists live sessions and projects their pending prompts by pending_filter', async () => {
  const { client, close } = await stdioClient();
  try {
    assert.deepEqual((await callJson(client, 'alc_status')).value, { active_sessions: 0, sessions: [] });
    const paused = (await callJson(client, 'alc_run', { code: pausing })).value;
    const list = await callJson(client, 'alc_status', { pending_filter: 'meta' });
    assert.equal(list.value.active_sessions, 1);
    assert.match(list.text, /\n  "/, 'a non-empty list is pretty');
    const [row] = list.value.sessions;
    assert.equal(row.session_id, paused.session_id);
    assert.equal(row.state, 'paused');
    assert.equal(row.pending_queries, 1);
    assert.deepEqual(row.pending, [{ query_id: 'q-0', max_tokens: 1024 }]);
    const preview = (await callJson(client, 'alc_status', { session_id: paused.session_id, pending_filter: 'preview' })).value;
    assert.equal(preview.pending[0].prompt_preview, 'What is 6 x 7?');
    const full = (await callJson(client, 'alc_status', { session_id: paused.session_id, pending_filter: 'full' })).value;
    assert.equal(full.pending[0].system, 'Answer with a number.');
    const custom = (await callJson(client, 'alc_status', { session_id: paused.session_id,
      pending_filter: { query_id: true, prompt: { mode: 'preview', chars: 4 } } })).value;
    assert.deepEqual(custom.pending, [{ query_id: 'q-0', prompt_preview: 'What' }]);
    assert.match((await callJson(client, 'alc_status', { pending_filter: 'huge' })).text, /unknown pending_filter preset 'huge'/);
    assert.match((await callJson(client, 'alc_status', { pending_filter: 3 })).text, /got number/);
    assert.match((await callJson(client, 'alc_status', { session_id: 'ses-x' })).text, /not found \(may have completed\)/);
  } finally {
    await close();
  }
});

test('the v2 tools start, read, resume and cancel background sessions', async () => {
  const { client, close } = await stdioClient();
  try {
    const { session_id } = (await callJson(client, 'alc_v2_run', { code: pausing })).value;
    assert.match(session_id, /^ses-/);
    let state;
    // The state is read back until the pause shows (no sleeping: each read is a round trip).
    for (let i = 0; i < 1000; ++i) {
      state = (await callJson(client, 'alc_v2_state', { session_id })).value;
      if (state.state !== 'running') break;
    }
    assert.equal(state.state, 'paused');
    assert.equal(state.prompts[0].prompt, 'What is 6 x 7?');
    const bad = await callJson(client, 'alc_v2_resume', { session_id, payload: { payload_kind: 'triple' } });
    assert.match(bad.text, /^invalid payload: /);
    const resumed = await callJson(client, 'alc_v2_resume', {
      session_id, payload: JSON.stringify({ payload_kind: 'single', query_id: 'q-0', response: '42' }) });
    assert.deepEqual(resumed.value, { outcome: 'continued' });
    const again = await callJson(client, 'alc_v2_resume', { session_id, payload: { payload_kind: 'single', query_id: 'q-0', response: '1' } });
    assert.match(again.text, /^session is not paused; actual state: /);

    const second = (await callJson(client, 'alc_v2_run', { code: pausing })).value.session_id;
    assert.equal((await callJson(client, 'alc_v2_cancel', { session_id: second, reason: { detail: 'no' } })).text, '{}');
    const cancelled = (await callJson(client, 'alc_v2_state', { session_id: second })).value;
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.reason.detail, 'no');
    assert.equal((await callJson(client, 'alc_v2_cancel', { session_id: second })).text, '{}', 'idempotent');
    assert.equal((await callJson(client, 'alc_v2_state', { session_id: 'ses-0' })).text, 'session not found: ses-0');
    assert.equal((await callJson(client, 'alc_v2_run', { code: '' })).text, 'invalid spec: code must not be empty');
  } finally {
    await close();
  }
});

test('a full cot run through the needs_response loop, then its log and stats', { skip: !HAVE_BUNDLED && 'no bundled packages' }, async () => {
  const { client, close } = await stdioClient({ extraArgs: ['--package-path', BUNDLED] });
  try {
    let step = (await callJson(client, 'alc_advice', { strategy: 'cot', task: 'Why is the sky blue?', opts: { depth: 2 } })).value;
    const sid = step.session_id;
    let answered = 0;
    while (step.status === 'needs_response') {
      assert.equal(step.session_id ?? sid, sid);
      step = (await callJson(client, 'alc_continue', { session_id: sid, response: fakeAnswer(step.prompt) })).value;
      ++answered;
    }
    assert.equal(step.status, 'completed');
    assert.equal(answered, 3, 'two steps and the synthesis');
    assert.equal(step.result.result.chain.length, 2);
    assert.match(step.result.result.conclusion, /^insight about: Task: Why is the sky blue/);
    assert.equal(step.stats.auto.llm_calls, 3);

    const logs = (await callJson(client, 'alc_log_view')).value.sessions;
    assert.equal(logs.length, 1);
    assert.equal(logs[0].session_id, sid);
    assert.equal(logs[0].strategy, 'cot');
    const detail = (await callJson(client, 'alc_log_view', { session_id: sid })).value;
    assert.equal(detail.transcript.length, 3);
    assert.match(detail.transcript[0].prompt, /first key insight/);
    assert.ok(detail.transcript.every((entry) => entry.response.startsWith('insight about:')));
    const cut = (await callJson(client, 'alc_log_view', { session_id: sid, max_chars: 900 })).value;
    assert.equal(cut.truncated, true);
    assert.ok(cut.returned_rounds < 3);
    const stats = (await callJson(client, 'alc_stats')).value;
    assert.equal(stats.total_sessions, 1);
    assert.equal(stats.strategies.cot.count, 1);
    assert.equal(stats.strategies.cot.avg_llm_calls, 3);
    assert.equal((await callJson(client, 'alc_stats', { strategy: 'other' })).value.total_sessions, 0);
    assert.match((await callJson(client, 'alc_log_view', { session_id: '../x' })).text, /path traversal/);
    const unknown = await callJson(client, 'alc_advice', { strategy: 'no_such_strategy' });
    assert.match(unknown.text, /^Package 'no_such_strategy' not found/);
  } finally {
    await close();
  }
});
