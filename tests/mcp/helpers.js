// Starting `alc mcp` for the tests and talking to it: through the official
// SDK client over stdio or Streamable HTTP, or raw JSON-RPC lines over
// stdio for the malformed cases. Every wait is on a message or an event,
// bounded so a broken server fails a test instead of hanging it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export const ALC_BINARY = process.env.ALC_BINARY ?? new URL('../../build/cli/alc', import.meta.url).pathname;
export const BUNDLED = process.env.ALC_BUNDLED_PACKAGES ?? new URL('../../../shared/bundled-packages', import.meta.url).pathname;
export const HAVE_BUNDLED = existsSync(join(BUNDLED, 'cot', 'init.lua'));
export const LIMIT_MS = 20000;

/// A private HOME, state, cards and log folder per server.
export function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'alc-mcp-test-'));
  return {
    root,
    args: ['--state-dir', join(root, 'state'), '--log-dir', join(root, 'logs')],
    env: { ...process.env, HOME: join(root, 'home'), ALC_PACKAGES_PATH: '', ALC_LOG_DIR: '' },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function withTimeout(promise, what, ms = LIMIT_MS) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); }),
  ]);
}

/// The answer a fake LLM gives: deterministic, from the prompt.
export function fakeAnswer(prompt) {
  if (/6 x 7/.test(prompt)) return '42';
  return `insight about: ${prompt.slice(0, 40).replace(/\s+/g, ' ')}`;
}

/// Registers a sampling handler that answers with fakeAnswer and records the requests.
export function answerSampling(client, seen = []) {
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    seen.push(request.params);
    const prompt = request.params.messages[0].content.text;
    return {
      role: 'assistant',
      content: { type: 'text', text: fakeAnswer(prompt) },
      model: 'fake-model',
      stopReason: 'endTurn',
      usage: { inputTokens: 7, outputTokens: 3 },
    };
  });
  return seen;
}

/// An SDK client connected over stdio. `sampling`: declare the capability.
export async function stdioClient({ extraArgs = [], sampling = false, box = sandbox() } = {}) {
  const transport = new StdioClientTransport({
    command: ALC_BINARY,
    args: ['mcp', ...box.args, ...extraArgs],
    env: box.env,
    stderr: 'inherit',
  });
  const client = new Client({ name: 'alc-tests', version: '1.0.0' },
                            { capabilities: sampling ? { sampling: {} } : {} });
  await withTimeout(client.connect(transport), 'connect over stdio');
  return { client, box, close: async () => { await client.close(); box.cleanup(); } };
}

/// `alc mcp --http --port 0`; resolves once it printed its URL.
export async function httpServer({ extraArgs = [], box = sandbox() } = {}) {
  const child = spawn(ALC_BINARY, ['mcp', '--http', '--port', '0', ...box.args, ...extraArgs],
                      { env: box.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await withTimeout(new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      const match = line.match(/listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]);
      else process.stderr.write(line + '\n');
    });
    child.on('exit', (code) => reject(new Error(`alc mcp --http exited with ${code}`)));
  }), 'the HTTP server to listen');
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    url,
    box,
    stop: async () => {
      child.kill('SIGTERM');
      const status = await withTimeout(exited, 'the HTTP server to stop');
      box.cleanup();
      return status;
    },
  };
}

export async function httpClient(url, { sampling = false } = {}) {
  const client = new Client({ name: 'alc-tests-http', version: '1.0.0' },
                            { capabilities: sampling ? { sampling: {} } : {} });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await withTimeout(client.connect(transport), 'connect over HTTP');
  return { client, transport };
}

/// A tool call whose text is JSON: the parsed value (and isError).
export async function callJson(client, name, args = {}, options = {}) {
  const result = await withTimeout(client.callTool({ name, arguments: args }, undefined, options), `${name}`);
  const text = result.content[0].text;
  let value;
  try { value = JSON.parse(text); } catch { value = text; }
  return { value, isError: result.isError === true, text };
}

/// Raw JSON-RPC lines to `alc mcp` over stdio.
export class RawServer {
  constructor(box = sandbox(), extraArgs = []) {
    this.box = box;
    this.child = spawn(ALC_BINARY, ['mcp', ...box.args, ...extraArgs],
                       { env: box.env, stdio: ['pipe', 'pipe', 'inherit'] });
    this.messages = [];
    this.waiters = [];
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.messages.push(JSON.parse(line));  // every line must be JSON
      this.wake();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }
  wake() {
    for (const waiter of [...this.waiters]) waiter();
  }
  send(text) { this.child.stdin.write(text + '\n'); }
  /// The first unread message matching `match`.
  take(match, what = 'a message') {
    return withTimeout(new Promise((resolve) => {
      const look = () => {
        const at = this.messages.findIndex(match);
        if (at < 0) return false;
        const [found] = this.messages.splice(at, 1);
        this.waiters = this.waiters.filter((w) => w !== look);
        resolve(found);
        return true;
      };
      if (!look()) this.waiters.push(look);
    }), what);
  }
  response(id) { return this.take((m) => m.id === id && !('method' in m), `response ${JSON.stringify(id)}`); }
  async call(id, method, params) {
    this.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return this.response(id);
  }
  async initialize(version = '2025-11-25', capabilities = {}) {
    const answer = await this.call(0, 'initialize', { protocolVersion: version, capabilities,
                                                      clientInfo: { name: 'raw', version: '1' } });
    this.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    return answer;
  }
  async close() {
    this.child.stdin.end();
    const code = await withTimeout(this.exited, 'alc mcp to exit after end of input');
    this.box.cleanup();
    return code;
  }
}
