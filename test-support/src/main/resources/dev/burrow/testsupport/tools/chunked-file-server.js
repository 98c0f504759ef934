// Node's own http module serving the files of a directory with no Content-Length, so that an HTTP/1.1 request gets
// a chunked body, streamed from disk with backpressure. Prints "listening PORT" once it accepts connections.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const server = http.createServer((req, res) => {
  const file = path.join(dir, path.basename(new URL(req.url, 'http://upstream').pathname));
  fs.stat(file, (err, stat) => {
    if (err || !stat.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('no such file\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    fs.createReadStream(file, { highWaterMark: 16 * 1024 }).pipe(res);
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
