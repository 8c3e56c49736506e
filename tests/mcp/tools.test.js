// The package, card and diagnostics tools through the SDK client over stdio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, lstatSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { callJson, stdioClient } from './helpers.js';

function makePackage(dir, name, version) {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'init.lua'),
    `local M = {}\nM.meta = {name = '${name}', version = '${version}', description = 'test package'}\n` +
    `function M.run(ctx) return {echo = ctx.task, n = ctx.n} end\nreturn M\n`);
}

test('pkg_link, pkg_list, advice over the link, pkg_unlink', async () => {
  const session = await stdioClient();
  const { client, box } = session;
  try {
    const src = join(box.root, 'src');
    makePackage(src, 'alpha', '1.2.0');
    const linked = (await callJson(client, 'alc_pkg_link', { path: join(src, 'alpha') })).value;
    assert.deepEqual(linked.linked, ['alpha']);
    assert.equal(linked.mode, 'single');
    assert.equal(linked.scope, 'global');
    const dest = join(box.root, 'home', '.algocline', 'packages', 'alpha');
    assert.ok(lstatSync(dest).isSymbolicLink());

    const list = (await callJson(client, 'alc_pkg_list')).value;
    const alpha = list.packages.find((p) => p.name === 'alpha');
    assert.deepEqual(alpha, { name: 'alpha', scope: 'global', version: '1.2.0', active: true,
                              resolved_source_path: dest, resolved_source_kind: 'linked' });
    assert.ok(list.search_paths.some((p) => p.source === 'default'));
    const full = (await callJson(client, 'alc_pkg_list', { verbose: 'full' })).value.packages[0];
    assert.equal(full.link_target, join(src, 'alpha'));
    assert.equal(full.description, 'test package');
    const only = (await callJson(client, 'alc_pkg_list', { fields: ['name'] })).value.packages;
    assert.deepEqual(only, [{ name: 'alpha' }]);
    assert.equal((await callJson(client, 'alc_pkg_list', { sort: '' })).text, 'sort string is empty');
    assert.equal((await callJson(client, 'alc_pkg_list', { sort: 'name,-' })).text, 'sort element has no key name: "-"');
    assert.match((await callJson(client, 'alc_pkg_list', { verbose: 'all' })).text, /invalid verbose value "all"/);

    const done = (await callJson(client, 'alc_advice', { strategy: 'alpha', task: 't', opts: { n: 3 } })).value;
    assert.deepEqual(done.result, { echo: 't', n: 3 });

    assert.deepEqual((await callJson(client, 'alc_pkg_unlink', { name: 'alpha' })).value, { unlinked: 'alpha' });
    assert.equal((await callJson(client, 'alc_pkg_unlink', { name: 'alpha' })).text, "Package 'alpha' is not installed");
    assert.match((await callJson(client, 'alc_pkg_unlink', { name: '9x' })).text, /must start with a letter/);
    assert.match((await callJson(client, 'alc_pkg_link', { path: join(box.root, 'nowhere') })).text, /^Path is not a directory/);
  } finally {
    await session.close();
  }
});

test('pkg_install copies a local package or collection; other URLs are refused', async () => {
  const session = await stdioClient();
  const { client, box } = session;
  try {
    const collection = join(box.root, 'collection');
    makePackage(collection, 'one', '0.1.0');
    makePackage(collection, 'two', '0.2.0');
    const installed = (await callJson(client, 'alc_pkg_install', { url: collection })).value;
    assert.equal(installed.mode, 'local_collection');
    assert.deepEqual(installed.installed, ['one', 'two']);
    const again = (await callJson(client, 'alc_pkg_install', { url: collection })).value;
    assert.deepEqual(again.updated, ['one', 'two']);
    const root = join(box.root, 'home', '.algocline', 'packages');
    assert.ok(existsSync(join(root, 'two', 'init.lua')) && !lstatSync(join(root, 'two')).isSymbolicLink());
    const single = (await callJson(client, 'alc_pkg_install', { url: join(collection, 'one'), name: 'uno' })).value;
    assert.deepEqual(single, { installed: ['uno'], mode: 'local_single' });
    const names = (await callJson(client, 'alc_pkg_list')).value.packages.map((p) => p.name).sort();
    assert.deepEqual(names, ['one', 'two', 'uno']);
    assert.match((await callJson(client, 'alc_pkg_install', { url: 'https://github.com/x/y' })).text, /local folder only/);
    assert.match((await callJson(client, 'alc_pkg_install', { url: join(box.root, 'none') })).text, /^Source directory does not exist/);
    assert.match((await callJson(client, 'alc_pkg_install', { url: collection, name: 'x' })).text, /only supported for single-package/);
  } finally {
    await session.close();
  }
});

test('the card tools read what alc.card wrote', async () => {
  const { client, close } = await stdioClient();
  try {
    const code = `
      local a = alc.card.create({pkg = {name = 'demo'}, model = {id = 'm1'}, stats = {pass_rate = 0.5}})
      local b = alc.card.create({pkg = {name = 'demo'}, model = {id = 'm2'}, stats = {pass_rate = 0.9},
                                 metadata = {prior_card_id = a.card_id}})
      alc.card.write_samples(a.card_id, {{case = 1, ok = true}, {case = 2, ok = false}})
      alc.card.alias_set('best', b.card_id, {note = 'top'})
      return {a = a.card_id, b = b.card_id}`;
    const ids = (await callJson(client, 'alc_run', { code })).value.result;
    const list = (await callJson(client, 'alc_card_list', { pkg: 'demo' })).value;
    assert.equal(list.length, 2);
    assert.deepEqual((await callJson(client, 'alc_card_list', { pkg: 'other' })).value, []);
    const card = (await callJson(client, 'alc_card_get', { card_id: ids.a })).value;
    assert.equal(card.model.id, 'm1');
    assert.equal((await callJson(client, 'alc_card_get', { card_id: 'nope' })).text, "card 'nope' not found");
    const found = (await callJson(client, 'alc_card_find', { where: { stats: { pass_rate: { gte: 0.8 } } } })).value;
    assert.deepEqual(found.map((c) => c.card_id), [ids.b]);
    const ordered = (await callJson(client, 'alc_card_find', { order_by: 'stats.pass_rate', limit: 1 })).value;
    assert.equal(ordered[0].card_id, ids.a);
    const misses = (await callJson(client, 'alc_card_samples', { card_id: ids.a, where: { ok: false } })).value;
    assert.deepEqual(misses, [{ case: 2, ok: false }]);
    assert.deepEqual((await callJson(client, 'alc_card_samples', { card_id: ids.b })).value, []);
    assert.equal((await callJson(client, 'alc_card_samples', { card_id: 'nope' })).text, "card 'nope' not found");
    const lineage = (await callJson(client, 'alc_card_lineage', { card_id: ids.b })).value;
    assert.equal(lineage.root, ids.b);
    assert.deepEqual(lineage.nodes.map((n) => n.card_id).sort(), [ids.a, ids.b].sort());
    assert.match((await callJson(client, 'alc_card_lineage', { card_id: ids.b, direction: 'sideways' })).text,
                 /direction must be 'up', 'down', or 'both'/);
    const aliases = (await callJson(client, 'alc_card_alias_list')).value;
    assert.equal(aliases[0].name, 'best');
    assert.equal((await callJson(client, 'alc_card_get_by_alias', { name: 'best' })).value.card_id, ids.b);
    assert.equal((await callJson(client, 'alc_card_get_by_alias', { name: 'worst' })).text, "alias 'worst' not found");
    const status = (await callJson(client, 'alc_status')).value;
    assert.equal(status.active_sessions, 0, 'the card queries are not listed');
  } finally {
    await close();
  }
});

test('alc_info names the version, folders and search paths', async () => {
  const session = await stdioClient();
  try {
    const info = await callJson(session.client, 'alc_info');
    assert.match(info.text, /^\{\n  "/, 'pretty');
    assert.match(info.value.version, /^\d+\.\d+\.\d+/);
    assert.equal(info.value.log_dir.source, '--log-dir');
    assert.equal(info.value.log_dir.resolved, join(session.box.root, 'logs'));
    assert.equal(info.value.log_enabled, true);
    assert.equal(info.value.state_dir, join(session.box.root, 'state'));
    assert.ok(Array.isArray(info.value.search_paths));
    assert.deepEqual(info.value.protocol_versions, ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']);
  } finally {
    await session.close();
  }
});
