// A WebSocket client built on the npm package ws: connects to URL with the given Host header, sends one binary
// message of each size (random bytes), waits for each echo and compares SHA-256 digests; then sends
// a text message and closes with code 1000. Prints one JSON line with the outcome; exits 0 only if every echo matched.
// Usage: node ws-echo-client.js URL HOST SIZE...
'use strict';
const WebSocket = require('ws');
const crypto = require('crypto');

const [url, host, ...sizeArgs] = process.argv.slice(2);
const sizes = sizeArgs.map(Number);
const result = { messages: [], text: null, close: null, error: null };

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

const ws = new WebSocket(url, { headers: { Host: host }, maxPayload: 256 * 1024 * 1024, perMessageDeflate: false });
let index = 0;
let sent = null;

function sendNext() {
  if (index < sizes.length) {
    sent = crypto.randomBytes(sizes[index]);
    ws.send(sent, { binary: true });
  } else {
    ws.send('hello through the tunnel');
  }
}

ws.on('open', sendNext);
ws.on('message', (data, isBinary) => {
  if (index < sizes.length) {
    result.messages.push({ size: sizes[index], binary: isBinary, bytes: data.length, match: isBinary && sha(data) === sha(sent) });
    index++;
    sendNext();
  } else {
    result.text = isBinary ? null : data.toString();
    ws.close(1000, 'done');
  }
});
ws.on('close', (code) => {
  result.close = code;
  const ok = result.error === null && result.close === 1000 && result.text === 'hello through the tunnel'
    && result.messages.length === sizes.length && result.messages.every((m) => m.match);
  console.log(JSON.stringify(result));
  process.exit(ok ? 0 : 1);
});
ws.on('error', (err) => { result.error = String(err); });
