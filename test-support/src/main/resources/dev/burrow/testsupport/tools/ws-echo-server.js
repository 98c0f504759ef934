// A WebSocket echo server built on the npm package ws: every message comes back as it came (text as text, binary as
// binary). Prints "listening PORT" once it accepts connections.
'use strict';
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 256 * 1024 * 1024 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on('listening', () => console.log('listening ' + wss.address().port));
