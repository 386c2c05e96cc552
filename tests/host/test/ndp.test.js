'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { readZip, loadPackage, validateManifest, isHostAllowed, parseUrl } = require('../ndp');

// A zip writer for the tests: entries [name, data, deflate?].
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data, deflate] of entries) {
    const body = deflate ? zlib.deflateRawSync(data) : data;
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(zlib.crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(zlib.crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, body);
    centrals.push(central, n);
    offset += 30 + n.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const tmp = (name, data) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nd-ws-ndp-')), name);
  fs.writeFileSync(file, data);
  return file;
};
const MANIFEST = { name: 'echo', author: 'me', version: '1.0.0', permissions: { websocket: { requiredHosts: ['*'] } } };

test('reads stored and deflated entries', () => {
  const big = Buffer.from('x'.repeat(5000));
  const entries = readZip(zip([['a.txt', Buffer.from('hello'), false], ['b.txt', big, true]]));
  assert.equal(entries.get('a.txt').toString(), 'hello');
  assert.deepEqual(entries.get('b.txt'), big);
  assert.throws(() => readZip(Buffer.from('not a zip, clearly not one at all')), /not a zip file/);
});

test('loads a package: manifest and plugin.wasm at the root, id from the file name', () => {
  const wasm = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const pkg = loadPackage(tmp('myplugin.ndp', zip([['manifest.json', Buffer.from(JSON.stringify(MANIFEST)), true], ['plugin.wasm', wasm, true]])));
  assert.equal(pkg.id, 'myplugin');
  assert.deepEqual(pkg.wasm, wasm);
  assert.deepEqual(pkg.manifest, MANIFEST);
  assert.throws(() => loadPackage(tmp('x.ndp', zip([['dir/plugin.wasm', wasm, false], ['manifest.json', Buffer.from('{}'), false]]))), /no plugin.wasm at the root/);
});

test('manifest validation', () => {
  assert.deepEqual(validateManifest(MANIFEST), []);
  assert.throws(() => validateManifest({ ...MANIFEST, author: '' }), /"author" is required/);
  assert.throws(() => validateManifest({ name: 'a', author: 'b' }), /"version" is required/);
  assert.throws(() => validateManifest([]), /must be a JSON object/);
  assert.throws(() => validateManifest({ ...MANIFEST, permissions: { websocket: { requiredHosts: 'x' } } }), /requiredHosts must be an array/);
  // a misspelled key is accepted, but every connect will be refused
  assert.match(validateManifest({ ...MANIFEST, permissions: { websocket: { requiredhosts: ['*'] } } })[0], /no "requiredHosts"/);
});

test('requiredHosts patterns: exact, *.suffix (subdomains only), *', () => {
  assert.ok(isHostAllowed(['gateway.example.com'], 'gateway.example.com:443'));
  assert.ok(!isHostAllowed(['gateway.example.com'], 'other.example.com'));
  assert.ok(isHostAllowed(['*.example.org'], 'a.b.example.org'));
  assert.ok(!isHostAllowed(['*.example.org'], 'example.org'));
  assert.ok(!isHostAllowed(['*.example.org'], 'badexample.org'));
  assert.ok(isHostAllowed(['*'], 'anything:1'));
  assert.ok(!isHostAllowed([], '127.0.0.1'));
  assert.deepEqual(parseUrl('WSS://user@Host.example:8443/path?q'), { scheme: 'wss', host: 'Host.example:8443' });
});
