# A real HTTP upstream for end-to-end tests: answers every request 200 "ok" and appends what it received
# (method, path, a few headers, the body's length and SHA-256) as one JSON line to the file named by argv[1].
# Prints "listening PORT" once it accepts connections on 127.0.0.1 (port from the OS).
import hashlib, http.server, json, sys

LOG = sys.argv[1]

class Recorder(http.server.BaseHTTPRequestHandler):
    def record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {"method": self.command, "path": self.path, "length": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "headers": {k.lower(): v for k, v in self.headers.items()}}
        with open(LOG, "a") as log:
            log.write(json.dumps(seen) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    do_GET = do_POST = do_PUT = record

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
print("listening %d" % server.server_address[1], flush=True)
server.serve_forever()
