'use strict';
// Navidrome plugin packages: the .ndp zip, manifest.json validation, and the requiredHosts rules.

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

// Minimal zip reader (stored and deflated entries, no zip64): enough for `zip -j` packages.
function readZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`corrupt zip local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressedSize);
    let data;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = zlib.inflateRawSync(raw);
    else throw new Error(`zip entry ${name}: unsupported compression method ${method}`);
    if (data.length !== size) throw new Error(`zip entry ${name}: size mismatch`);
    entries.set(name, data);
  }
  return entries;
}

// The fields Navidrome requires, and the websocket permission it understands.
function validateManifest(m) {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new Error('manifest: must be a JSON object');
  for (const key of ['name', 'author', 'version']) {
    if (typeof m[key] !== 'string' || m[key] === '') throw new Error(`manifest: "${key}" is required and must be a non-empty string`);
  }
  const warnings = [];
  const ws = m.permissions?.websocket;
  if (ws !== undefined) {
    if (ws === null || typeof ws !== 'object') throw new Error('manifest: permissions.websocket must be an object');
    if (ws.requiredHosts === undefined) {
      warnings.push('permissions.websocket has no "requiredHosts": every connect will be refused');
    } else if (!Array.isArray(ws.requiredHosts) || ws.requiredHosts.some((h) => typeof h !== 'string')) {
      throw new Error('manifest: permissions.websocket.requiredHosts must be an array of strings');
    }
  }
  return warnings;
}

// Load NAME.ndp, or a bare .wasm with an optional manifest (object or path to a JSON file).
// The plugin id is the file name without its extension, as Navidrome names plugins.
function loadPackage(file, manifestSource) {
  const ext = path.extname(file);
  const id = path.basename(file, ext);
  let wasm;
  let manifest;
  if (ext === '.ndp') {
    const entries = readZip(fs.readFileSync(file));
    if (!entries.has('manifest.json')) throw new Error(`${file}: no manifest.json at the root of the package`);
    if (!entries.has('plugin.wasm')) throw new Error(`${file}: no plugin.wasm at the root of the package`);
    wasm = entries.get('plugin.wasm');
    manifest = parseJson(entries.get('manifest.json').toString('utf8'), `${file}: manifest.json`);
  } else {
    wasm = fs.readFileSync(file);
    if (typeof manifestSource === 'string') manifest = parseJson(fs.readFileSync(manifestSource, 'utf8'), manifestSource);
    else manifest = manifestSource ?? null;
  }
  const warnings = [];
  if (manifest === null) {
    // Navidrome always has a manifest; a bare .wasm is run as a plugin without permissions.
    manifest = { name: id, author: 'unknown', version: '0.0.0' };
    warnings.push('no manifest given: running without permissions');
  }
  warnings.push(...validateManifest(manifest));
  return { id, wasm, manifest, warnings };
}

function parseJson(text, where) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: invalid JSON: ${e.message}`);
  }
}

// url.Parse as far as the host check needs it: lowercased scheme and the raw host[:port].
function parseUrl(s) {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(s);
  if (!m) return { scheme: '', host: '' };
  const rest = m[2];
  let host = '';
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split(/[/?#]/, 1)[0];
    host = authority.slice(authority.lastIndexOf('@') + 1);
  }
  return { scheme: m[1].toLowerCase(), host };
}

// Navidrome's isHostAllowed/matchHostPattern: the port is cut at the LAST ':', then a pattern
// matches exactly, as '*', or as '*.suffix' (subdomains only: the bare domain does not match).
function isHostAllowed(requiredHosts, host) {
  const idx = host.lastIndexOf(':');
  const name = idx === -1 ? host : host.slice(0, idx);
  return requiredHosts.some((p) => p === '*' || p === name || (p.startsWith('*.') && name.endsWith(p.slice(1))));
}

module.exports = { readZip, validateManifest, loadPackage, parseUrl, isHostAllowed };
