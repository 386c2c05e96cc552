'use strict';
// Go's encoding/json, reduced to what Navidrome's WebSocket host writes (callback inputs, host
// responses) and reads (host-service requests). Byte-exact output matters: the C side parses what
// Go writes, so every escape Go makes (or doesn't make) is reproduced here.

const HEX = '0123456789abcdef';

// A Go string built from arbitrary bytes (a WebSocket text frame or close reason is not validated
// by gorilla/websocket, so it can hold invalid UTF-8). Plain JS strings are always valid text.
class GoString {
  constructor(bytes) {
    this.bytes = Buffer.from(bytes);
  }
}

// utf8.DecodeRune: returns [rune, size]; rune -1 with size 1 for every invalid byte, which is why
// Go writes one \ufffd per invalid byte (WHATWG decoders, Buffer#toString included, merge some).
function decodeRune(b, i) {
  const b0 = b[i];
  if (b0 < 0x80) return [b0, 1];
  let size;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) size = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    size = 3;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f; // surrogates are not valid UTF-8
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    size = 4;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return [-1, 1];
  if (i + size > b.length) return [-1, 1];
  if (b[i + 1] < lo || b[i + 1] > hi) return [-1, 1];
  for (let k = 2; k < size; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return [-1, 1];
  let r = b0 & (0xff >> (size + 1));
  for (let k = 1; k < size; k++) r = (r << 6) | (b[i + k] & 0x3f);
  return [r, size];
}

// Text as Go sees a byte string when it must be valid UTF-8: each invalid byte becomes U+FFFD.
function goText(bytes) {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const [r, size] = decodeRune(bytes, i);
    if (r === -1) {
      out += bytes.toString('utf8', start, i) + '\ufffd';
      i += 1;
      start = i;
    } else i += size;
  }
  return out + bytes.toString('utf8', start, i);
}

// encoding/json appendString with HTML escaping on (json.Marshal's default). Go >= 1.22 writes
// \b and \f as short escapes; other controls as \u00XX with lowercase hex.
function quote(bytes) {
  let out = '"';
  let start = 0;
  let i = 0;
  const flush = () => {
    out += bytes.toString('utf8', start, i);
  };
  while (i < bytes.length) {
    const c = bytes[i];
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26) {
        i++;
        continue;
      }
      flush();
      switch (c) {
        case 0x22: out += '\\"'; break;
        case 0x5c: out += '\\\\'; break;
        case 0x08: out += '\\b'; break;
        case 0x0c: out += '\\f'; break;
        case 0x0a: out += '\\n'; break;
        case 0x0d: out += '\\r'; break;
        case 0x09: out += '\\t'; break;
        default: out += '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      }
      i++;
      start = i;
      continue;
    }
    const [r, size] = decodeRune(bytes, i);
    if (r === -1) {
      flush();
      out += '\\ufffd'; // Go writes the escape, not the raw character
      i++;
      start = i;
      continue;
    }
    if (r === 0x2028 || r === 0x2029) {
      flush();
      out += '\\u202' + HEX[r & 0xf];
      i += size;
      start = i;
      continue;
    }
    i += size;
  }
  flush();
  return out + '"';
}

// Marshal a value the way Go marshals the equivalent struct: plain objects are structs (fields in
// insertion order), strings are strings, GoString is a string from raw bytes, Buffer/Uint8Array is
// []byte (standard padded base64), null is a nil slice/pointer, numbers must be integers.
function encodeValue(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return quote(Buffer.from(v, 'utf8'));
  if (v instanceof GoString) return quote(v.bytes);
  if (v instanceof Uint8Array) return '"' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') + '"';
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new TypeError(`gojson: only integers are supported, got ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(encodeValue).join(',') + ']';
  if (typeof v === 'object') {
    return '{' + Object.entries(v).map(([k, x]) => quote(Buffer.from(k)) + ':' + encodeValue(x)).join(',') + '}';
  }
  throw new TypeError(`gojson: cannot encode ${typeof v}`);
}

function marshal(v) {
  return Buffer.from(encodeValue(v), 'utf8');
}

// The four callback inputs, as Navidrome's capabilities.On*Request structs marshal.
// message / error / reason may be JS strings or Buffers holding the raw frame bytes.
const asGoString = (s) => (typeof s === 'string' ? s : new GoString(s));
const callbackInput = {
  text: (connectionId, message) => marshal({ connectionId, message: asGoString(message) }),
  binary: (connectionId, data) => marshal({ connectionId, data }),
  error: (connectionId, error) => marshal({ connectionId, error: asGoString(error) }),
  close: (connectionId, code, reason) => marshal({ connectionId, code, reason: asGoString(reason) }),
};

// ---- Decoding: json.Unmarshal into a flat struct -------------------------------------------

// base64.StdEncoding.DecodeString as used for []byte fields: padding required, \r and \n skipped.
function decodeStdBase64(s) {
  const clean = [];
  for (let i = 0; i < s.length; i++) if (s[i] !== '\r' && s[i] !== '\n') clean.push([s[i], i]);
  const alphabet = /[A-Za-z0-9+/]/;
  let i = 0;
  for (; i < clean.length; i++) {
    if (clean[i][0] === '=') break;
    if (!alphabet.test(clean[i][0])) throw new Error(`illegal base64 data at input byte ${clean[i][1]}`);
  }
  const body = i;
  const pad = clean.length - body;
  const quantumEnd = body + ((4 - (body % 4)) % 4);
  if (pad > 0) {
    if (body % 4 < 2 || clean.length !== quantumEnd) throw new Error(`illegal base64 data at input byte ${clean[Math.min(body, clean.length - 1)][1]}`);
    for (let k = body; k < clean.length; k++) if (clean[k][0] !== '=') throw new Error(`illegal base64 data at input byte ${clean[k][1]}`);
  } else if (body % 4 !== 0) {
    throw new Error(`illegal base64 data at input byte ${s.length}`);
  }
  const text = clean.map((c) => c[0]).join('');
  const out = Buffer.from(text, 'base64');
  // Go rejects non-zero trailing bits only in Strict mode; StdEncoding accepts them like Node does.
  return out;
}

const KIND = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v);

// schema: { typeName: 'WebSocketSendTextRequest', fields: { connectionId: 'string', ... } }
// field types: 'string', 'bytes', 'int32', 'map[string]string'. Keys match case-insensitively,
// unknown keys are ignored, null leaves the zero value: all as encoding/json does.
function unmarshalStruct(bytes, schema) {
  let value;
  const text = goText(Buffer.from(bytes));
  try {
    value = JSON.parse(text);
  } catch (e) {
    // Go's syntax errors read differently; the wording here is an approximation.
    throw new Error(text.trim() === '' || /end of JSON/i.test(e.message) ? 'unexpected end of JSON input' : `invalid character in JSON input (${e.message})`);
  }
  const out = {};
  for (const [name, type] of Object.entries(schema.fields)) out[name] = type === 'string' ? '' : type === 'int32' ? 0 : null;
  if (value === null) return out;
  if (KIND(value) !== 'object') throw new Error(`json: cannot unmarshal ${KIND(value)} into Go value of type host.${schema.typeName}`);
  const names = Object.keys(schema.fields);
  let firstError = null;
  for (const [key, v] of Object.entries(value)) {
    const name = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (!name || v === null) continue;
    const type = schema.fields[name];
    const typeError = (what = KIND(v)) => new Error(`json: cannot unmarshal ${what} into Go struct field ${schema.typeName}.${name} of type ${type === 'bytes' ? '[]uint8' : type}`);
    try {
      if (type === 'string') {
        if (typeof v !== 'string') throw typeError();
        out[name] = v;
      } else if (type === 'bytes') {
        if (typeof v !== 'string') throw typeError();
        out[name] = decodeStdBase64(v);
      } else if (type === 'int32') {
        if (typeof v !== 'number') throw typeError();
        if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw typeError(`number ${v}`);
        out[name] = v;
      } else if (type === 'map[string]string') {
        if (KIND(v) !== 'object') throw typeError();
        const m = {};
        for (const [k, x] of Object.entries(v)) {
          if (x !== null && typeof x !== 'string') throw typeError(KIND(x));
          m[k] = x ?? '';
        }
        out[name] = m;
      }
    } catch (e) {
      firstError ??= e; // Go keeps decoding and reports the first type error
    }
  }
  if (firstError) throw firstError;
  return out;
}

module.exports = { GoString, marshal, callbackInput, unmarshalStruct, goText };
