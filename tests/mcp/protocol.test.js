// The protocol over raw stdio lines: negotiation, the methods MCP names,
// and every kind of bad input answered clearly while the server goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { RawServer } from './helpers.js';

test('each revision the SDK offers is negotiated; an unknown one gets the latest', async () => {
  for (const version of ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']) {
    const server = new RawServer();
    const answer = await server.initialize(version);
    assert.equal(answer.result.protocolVersion, version);
    assert.equal(answer.result.serverInfo.name, 'alc');
    assert.ok(answer.result.capabilities.tools);
    assert.equal('tasks' in answer.result.capabilities, version === '2025-11-25');
    assert.equal(await server.close(), 0);
  }
  const server = new RawServer();
  const answer = await server.initialize('1999-01-01');
  assert.equal(answer.result.protocolVersion, '2025-11-25');
  await server.close();
});

test('ping, tools/list with a schema per tool, logging/setLevel', async () => {
  const server = new RawServer();
  await server.initialize();
  assert.deepEqual((await server.call(1, 'ping', {})).result, {});
  const tools = (await server.call(2, 'tools/list', {})).result.tools;
  assert.ok(tools.length >= 22);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, 'object', tool.name);
    assert.ok(['optional', 'forbidden'].includes(tool.execution.taskSupport), tool.name);
  }
  assert.deepEqual((await server.call(3, 'logging/setLevel', { level: 'debug' })).result, {});
  const bad = await server.call(4, 'logging/setLevel', { level: 'loud' });
  assert.equal(bad.error.code, -32602);
  await server.close();
});

test('malformed JSON-RPC gets a clear error and the server goes on', async () => {
  const server = new RawServer();
  await server.initialize();
  server.send('{"jsonrpc":"2.0","id":1,');
  const parse = await server.take((m) => m.error?.code === -32700, 'a parse error');
  assert.equal(parse.id, null);
  assert.match(parse.error.message, /invalid JSON/);

  server.send('[{"jsonrpc":"2.0","id":2,"method":"ping"}]');
  const batch = await server.take((m) => m.error?.code === -32600 && /batch/.test(m.error.message), 'batch refusal');
  assert.equal(batch.id, null);

  server.send('{"id":3,"method":"ping"}');
  const noVersion = await server.response(3);
  assert.equal(noVersion.error.code, -32600);
  assert.match(noVersion.error.message, /jsonrpc/);

  server.send('{"jsonrpc":"2.0","id":4,"method":"tools/call","params":[1]}');
  assert.equal((await server.response(4)).error.code, -32602);

  server.send('"just a string"');
  await server.take((m) => m.error?.code === -32600 && /object/.test(m.error.message), 'non-object refusal');

  assert.deepEqual((await server.call(5, 'ping', {})).result, {}, 'still serving');
  await server.close();
});

test('unknown methods and tools are JSON-RPC errors; wrong argument types are tool errors', async () => {
  const server = new RawServer();
  await server.initialize();
  const method = await server.call(1, 'resources/list', {});
  assert.equal(method.error.code, -32601);
  assert.match(method.error.message, /resources\/list/);

  const tool = await server.call(2, 'tools/call', { name: 'alc_nope', arguments: {} });
  assert.equal(tool.error.code, -32602);
  assert.match(tool.error.message, /tool not found: alc_nope/);

  const noName = await server.call(3, 'tools/call', { arguments: {} });
  assert.equal(noName.error.code, -32602);

  const wrongType = await server.call(4, 'tools/call', { name: 'alc_v2_state', arguments: { session_id: 5 } });
  assert.equal(wrongType.result.isError, true);
  assert.equal(wrongType.result.content[0].text,
               'failed to deserialize parameters: session_id: invalid type: an integer, expected a string');

  const missing = await server.call(5, 'tools/call', { name: 'alc_continue', arguments: {} });
  assert.equal(missing.result.content[0].text, 'failed to deserialize parameters: missing field `session_id`');

  const argsNotObject = await server.call(6, 'tools/call', { name: 'alc_info', arguments: [1] });
  assert.equal(argsNotObject.error.code, -32602);

  const notTask = await server.call(7, 'tools/call', { name: 'alc_info', arguments: {}, task: { ttl: 1000 } });
  assert.equal(notTask.error.code, -32601);

  assert.equal((await server.call(8, 'tools/call', { name: 'alc_info', arguments: {} })).result.isError, false);
  await server.close();
});

test('a request id still in flight is refused; after its answer it may be used again', async () => {
  const server = new RawServer();
  await server.initialize('2025-11-25', { sampling: {} });
  const code = "local a = alc.llm('q')\nreturn a";
  // Answered through sampling: the call stays open until the client answers.
  server.send(JSON.stringify({ jsonrpc: '2.0', id: 'same', method: 'tools/call',
                               params: { name: 'alc_run', arguments: { code, answer_with_client: true } } }));
  const sampling = await server.take((m) => m.method === 'sampling/createMessage', 'the sampling request');
  const refused = await server.call('same', 'tools/call', { name: 'alc_info', arguments: {} });
  assert.equal(refused.error.code, -32600);
  assert.match(refused.error.message, /still in flight/);
  server.send(JSON.stringify({ jsonrpc: '2.0', id: sampling.id,
                               result: { role: 'assistant', content: { type: 'text', text: 'A' }, model: 'm' } }));
  const done = await server.response('same');
  assert.equal(JSON.parse(done.result.content[0].text).result, 'A');
  const again = await server.call('same', 'tools/call', { name: 'alc_info', arguments: {} });
  assert.equal(again.result.isError, false);
  await server.close();
});

test('end of input ends the server with status 0 and cancels what it ran', async () => {
  const server = new RawServer();
  await server.initialize();
  const run = await server.call(1, 'tools/call', { name: 'alc_run', arguments: { code: "return alc.llm('q')" } });
  assert.match(run.result.content[0].text, /needs_response/);
  assert.equal(await server.close(), 0);
});
