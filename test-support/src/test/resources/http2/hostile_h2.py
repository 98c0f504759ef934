#!/usr/bin/env python3
"""Hostile HTTP/2 clients (frames no well-behaved tool sends), on Debian's python3-h2 / python3-hyperframe.

usage: hostile_h2.py SCENARIO[,SCENARIO...] PORT AUTHORITY CA_FILE|plain [CONNECTIONS]
CA_FILE: HTTP/2 over TLS (ALPN h2) trusting that CA; "plain": h2c with prior knowledge on the plain port.
CONNECTIONS: how many connections the *_many scenarios flood one after the other (default 20).
Prints one line per outcome, "key=value" pairs, so that a test can assert them exactly.
"""
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import hyperframe.frame as hf

PORT, AUTHORITY, CA = int(sys.argv[2]), sys.argv[3], sys.argv[4]
PLAIN = CA == "plain"
CONNECTIONS = int(sys.argv[5]) if len(sys.argv) > 5 else 20
DEADLINE = 20.0


def open_socket():
    """A connection whose TLS handshake is done (ALPN h2), or a plain one; nothing sent on it yet."""
    raw = socket.create_connection(("127.0.0.1", PORT), timeout=5)
    if PLAIN:
        return raw
    context = ssl.create_default_context(cafile=CA)
    context.set_alpn_protocols(["h2"])
    sock = context.wrap_socket(raw, server_hostname=AUTHORITY.split(":")[0])
    assert sock.selected_alpn_protocol() == "h2", sock.selected_alpn_protocol()
    return sock


def connect():
    sock = open_socket()
    config = h2.config.H2Configuration(client_side=True, validate_outbound_headers=False,
                                       normalize_outbound_headers=False, validate_inbound_headers=False)
    conn = h2.connection.H2Connection(config=config)
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn


def head(path, method="GET", extra=()):
    return [(":method", method), (":scheme", "http" if PLAIN else "https"), (":authority", AUTHORITY), (":path", path)] + list(extra)


def read_some(sock, end):
    """One read, waiting until end at most: the bytes, None once the connection is closed, b"" when end came first."""
    sock.settimeout(max(0.05, end - time.monotonic()))
    try:
        data = sock.recv(65536)
    except socket.timeout:
        return b""
    except (ConnectionResetError, ssl.SSLError):
        return None
    return data if data else None


def pump(sock, conn, until, limit=DEADLINE):
    """Reads events until until(events_so_far) is true, the connection closes, or limit seconds pass."""
    events = []
    end = time.monotonic() + limit
    while not until(events) and time.monotonic() < end:
        data = read_some(sock, end)
        if data is None:
            events.append("closed")
            break
        if not data:
            break
        try:
            events.extend(conn.receive_data(data))
        except Exception as error:  # the server broke the rules in h2's eyes: report, do not hide
            events.append("client-error:" + type(error).__name__)
            break
        out = conn.data_to_send()
        if out:
            try:
                sock.sendall(out)
            except OSError:
                pass
    return events


def goaway(events):
    for e in events:
        if isinstance(e, h2.events.ConnectionTerminated):
            return e
    return None


def outcome_of(events, stream_id):
    for e in events:
        if isinstance(e, h2.events.ResponseReceived) and e.stream_id == stream_id:
            return "status=" + dict(e.headers)[b":status"].decode()
        if isinstance(e, h2.events.StreamReset) and e.stream_id == stream_id:
            return "reset=" + e.error_code.name
    g = goaway(events)
    if g:
        return "goaway=" + g.error_code.name
    return "closed" if "closed" in events else "none"


def too_many_streams():
    sock, conn = connect()
    events = pump(sock, conn, lambda ev: any(isinstance(e, h2.events.RemoteSettingsChanged) for e in ev), 5)
    limit = conn.remote_settings.max_concurrent_streams
    ids = []
    # Bypass h2's own check of the peer's limit: that check is what a hostile client skips.
    type(conn.remote_settings).max_concurrent_streams = property(lambda self: 1 << 30)
    for i in range(limit + 5):
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, head("/hold?%d" % i, "POST"), end_stream=False)
        ids.append(sid)
    sock.sendall(conn.data_to_send())
    events = pump(sock, conn, lambda ev: sum(isinstance(e, h2.events.StreamReset) for e in ev) >= 5, 10)
    refused = [e.stream_id for e in events if isinstance(e, h2.events.StreamReset)]
    codes = sorted({e.error_code.name for e in events if isinstance(e, h2.events.StreamReset)})
    print("max_concurrent_streams=%d refused=%d codes=%s first_refused_index=%d connection=%s" % (
        limit, len(refused), ",".join(codes), ids.index(refused[0]) if refused else -1,
        "open" if goaway(events) is None and "closed" not in events else "closed"), flush=True)
    sock.close()


def rapid_reset(quiet=False):
    sock, conn = connect()
    started = time.monotonic()
    sent = 0
    events = []
    try:
        for i in range(5000):
            sid = conn.get_next_available_stream_id()
            conn.send_headers(sid, head("/rapid?%d" % i), end_stream=True)
            conn.reset_stream(sid, error_code=h2.errors.ErrorCodes.CANCEL)
            sock.sendall(conn.data_to_send())
            sent += 1
    except (OSError, h2.exceptions.ProtocolError):
        pass
    events = pump(sock, conn, lambda ev: goaway(ev) is not None or "closed" in ev, 10)
    g = goaway(events)
    line = "goaway=%s sent=%d elapsed_ms=%d" % (g.error_code.name if g else ("closed" if "closed" in events else "none"), sent,
                                                (time.monotonic() - started) * 1000)
    if not quiet:
        print(line, flush=True)
    sock.close()
    return line


def bad_values():
    for name, value in (("crlf", "a\r\nx-injected: 1"), ("lf", "a\nb"), ("nul", "a\x00b"), ("cr", "a\rb")):
        sock, conn = connect()
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, head("/bad-" + name, extra=[("x-bad", value)]), end_stream=True)
        sock.sendall(conn.data_to_send())
        events = pump(sock, conn, lambda ev: outcome_of(ev, sid) != "none", 10)
        print("value=%s %s" % (name, outcome_of(events, sid)), flush=True)
        sock.close()


def big_header_block():
    sock, conn = connect()
    sid = conn.get_next_available_stream_id()
    conn.send_headers(sid, head("/big", extra=[("x-big", "v" * 20000)]), end_stream=True)
    sock.sendall(conn.data_to_send())
    events = pump(sock, conn, lambda ev: outcome_of(ev, sid) != "none", 10)
    print("big_header %s" % outcome_of(events, sid), flush=True)
    sock.close()


def continuation_flood(quiet=False):
    sock, conn = connect()
    pump(sock, conn, lambda ev: any(isinstance(e, h2.events.RemoteSettingsChanged) for e in ev), 5)
    block = conn.encoder.encode(head("/flood"))
    headers = hf.HeadersFrame(1)
    headers.data = block
    headers.flags.add("END_STREAM")
    sock.sendall(headers.serialize())
    started = time.monotonic()
    sent = 0
    closed = False
    filler = conn.encoder.encode([("x-fill", "f" * 1000)])
    while sent < 10000 and time.monotonic() - started < DEADLINE:
        frame = hf.ContinuationFrame(1)
        frame.data = filler
        try:
            sock.sendall(frame.serialize())
        except OSError:
            closed = True
            break
        sent += 1
    events = [] if closed else pump(sock, conn, lambda ev: goaway(ev) is not None or "closed" in ev, 10)
    g = goaway(events)
    line = "continuation goaway=%s frames_sent=%d bytes_sent=%d elapsed_ms=%d" % (
        g.error_code.name if g else ("closed" if closed or "closed" in events else "none"), sent, sent * (9 + len(filler)),
        (time.monotonic() - started) * 1000)
    if not quiet:
        print(line, flush=True)
    sock.close()
    return line


def many(flood, name):
    """The same flood on CONNECTIONS connections one after the other: how many were closed, the slowest close."""
    outcomes, slowest, frames = {}, 0, 0
    for _ in range(CONNECTIONS):
        fields = dict(part.split("=") for part in flood(quiet=True).split() if "=" in part)
        outcomes[fields["goaway"]] = outcomes.get(fields["goaway"], 0) + 1
        slowest = max(slowest, int(fields["elapsed_ms"]))
        frames = max(frames, int(fields.get("sent", fields.get("frames_sent", 0))))
    print("%s connections=%d outcomes=%s max_sent=%d max_elapsed_ms=%d" % (
        name, CONNECTIONS, ",".join("%s:%d" % kv for kv in sorted(outcomes.items())), frames, slowest), flush=True)


def silent(preface):
    """TLS done (in clear text: connected), then nothing, or only the 24-byte HTTP/2 preface: how long until the edge
    ends the connection (what it sends meanwhile, its own SETTINGS, is read and ignored)."""
    sock = open_socket()
    started = time.monotonic()
    if preface:
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    closed = False
    end = started + DEADLINE
    while time.monotonic() < end:
        data = read_some(sock, end)
        if data is None:
            closed = True
            break
        if not data:
            break
    print("%s closed=%s elapsed_ms=%d" % ("preface_only" if preface else "silent", "true" if closed else "false",
                                         (time.monotonic() - started) * 1000), flush=True)
    sock.close()


def trickle(stage):
    """A byte every 0.5 s of something that never ends: the connection's first SETTINGS frame (its header announces
    6 000 bytes), right after the preface; or, after a whole preface and SETTINGS, its first HEADERS frame (100 bytes
    announced). How long from the connection's start (TLS done) until the edge ends it."""
    sock = open_socket()
    started = time.monotonic()
    if stage == "settings":
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0x17, 0x70, 0x4, 0, 0, 0, 0, 0]))
    else:
        conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
        conn.initiate_connection()
        sock.sendall(conn.data_to_send() + bytes([0, 0, 100, 0x1, 0x4, 0, 0, 0, 1]))
    sent, closed = 0, False
    end = started + DEADLINE
    next_byte = started + 0.5
    while time.monotonic() < end:
        if time.monotonic() >= next_byte:
            try:
                sock.sendall(b"\x00")
            except OSError:
                closed = True
                break
            sent += 1
            next_byte += 0.5
        if read_some(sock, min(end, next_byte)) is None:
            closed = True
            break
    print("trickle_%s closed=%s bytes_trickled=%d elapsed_ms=%d" % (stage, "true" if closed else "false", sent,
                                                                   (time.monotonic() - started) * 1000), flush=True)
    sock.close()


DRIBBLE_FRAMES = 60000


def small_data_flood():
    """A request body sent one byte a DATA frame, as fast as it goes: DRIBBLE_FRAMES frames, within the stream's and the
    connection's first flow-control window (65 535 bytes), so that only the edge's own limit can stop it."""
    path = "/upload?dribble-" + ("h2c" if PLAIN else "tls")
    sock, conn = connect()
    await_settings(sock, conn)
    open_upload(path)(sock, conn)
    started = time.monotonic()
    sent, closed = send_batches(sock, hf.DataFrame(1, data=b"x").serialize(), DRIBBLE_FRAMES)
    report_flood("small_data_flood", sock, conn, started, sent, closed)


def send_batches(sock, frame, max_frames):
    """Sends frame 1000 at a time until max_frames, DEADLINE, or the edge closes; returns (frames sent, closed)."""
    batch = frame * 1000
    started = time.monotonic()
    sent = 0
    while sent < max_frames and time.monotonic() - started < DEADLINE:
        try:
            sock.sendall(batch)
        except OSError:
            return sent, True
        sent += 1000
    return sent, False


def empty_continuation_flood():
    """HEADERS without END_HEADERS, then empty CONTINUATION frames: the header block never grows."""
    sock, conn = connect()
    await_settings(sock, conn)
    headers = hf.HeadersFrame(1)
    headers.data = conn.encoder.encode(head("/empty-flood"))
    headers.flags.add("END_STREAM")
    sock.sendall(headers.serialize())
    started = time.monotonic()
    sent, closed = send_batches(sock, hf.ContinuationFrame(1).serialize(), 200000)
    report_flood("empty_continuation", sock, conn, started, sent, closed)


def body_never_sent():
    sock, conn = connect()
    sid = conn.get_next_available_stream_id()
    started = time.monotonic()
    conn.send_headers(sid, head("/nobody", "POST", [("content-length", "100")]), end_stream=False)
    sock.sendall(conn.data_to_send())
    events = pump(sock, conn, lambda ev: outcome_of(ev, sid) != "none", DEADLINE)
    elapsed = (time.monotonic() - started) * 1000
    # The same connection still serves another stream (only the stalled one ended).
    after = conn.get_next_available_stream_id()
    try:
        conn.send_headers(after, head("/echo?after-408"), end_stream=True)
        sock.sendall(conn.data_to_send())
        next_outcome = outcome_of(pump(sock, conn, lambda ev: outcome_of(ev, after) != "none", 10), after)
    except (OSError, h2.exceptions.ProtocolError):
        next_outcome = "closed"
    print("nobody %s elapsed_ms=%d next_%s" % (outcome_of(events, sid), elapsed, next_outcome), flush=True)
    sock.close()


def settings_flood():
    """Empty SETTINGS frames as fast as they go, never reading the edge's ACKs: they queue on the edge's side."""
    overhead_flood("settings_flood", hf.SettingsFrame(0).serialize())


def await_settings(sock, conn):
    pump(sock, conn, lambda ev: any(isinstance(e, h2.events.RemoteSettingsChanged) for e in ev), 5)


def report_flood(name, sock, conn, started, sent, closed):
    """After a flood: reads what the edge sent (its GOAWAY) until it closes, and prints one line."""
    events = pump(sock, conn, lambda ev: goaway(ev) is not None or "closed" in ev, 5)
    g = goaway(events)
    outcome = g.error_code.name if g else ("closed" if closed or "closed" in events else "none")
    print("%s goaway=%s frames_sent=%d elapsed_ms=%d" % (name, outcome, sent, (time.monotonic() - started) * 1000), flush=True)
    sock.close()


def overhead_flood(name, frame, before=None):
    """One frame that carries no request, repeated as fast as it goes (1 000 to a write), the answers left unread."""
    sock, conn = connect()
    await_settings(sock, conn)
    if before:
        before(sock, conn)
    started = time.monotonic()
    sent, closed = send_batches(sock, frame, 200000)
    report_flood(name, sock, conn, started, sent, closed)


def request_and_read(path):
    def run(sock, conn):
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, head(path), end_stream=True)
        sock.sendall(conn.data_to_send())
        pump(sock, conn, lambda ev: any(isinstance(e, h2.events.StreamEnded) and e.stream_id == sid for e in ev), 10)
    return run


def open_upload(path):
    def run(sock, conn):
        conn.send_headers(1, head(path, "POST"), end_stream=False)
        sock.sendall(conn.data_to_send())
    return run


UNKNOWN_EMPTY_FRAME = bytes([0, 0, 0, 0x20, 0, 0, 0, 0, 0])


def idle(kind):
    """One request answered, then nothing but PING (or SETTINGS) frames every 200 ms: how long until the edge ends it."""
    sock, conn = connect()
    request_and_read("/idle-" + kind)(sock, conn)
    started = time.monotonic()
    sent = 0
    events = []
    while time.monotonic() - started < DEADLINE and goaway(events) is None and "closed" not in events:
        if kind == "ping":
            conn.ping(b"%08d" % sent)
        else:
            conn.update_settings({h2.settings.SettingCodes.ENABLE_PUSH: 0})
        sent += 1
        try:
            sock.sendall(conn.data_to_send())
        except OSError:
            events.append("closed")
            break
        events += pump(sock, conn, lambda ev: goaway(ev) is not None or "closed" in ev, 0.2)
    g = goaway(events)
    print("idle_%s goaway=%s frames_sent=%d elapsed_ms=%d" % (
        kind, g.error_code.name if g else ("closed" if "closed" in events else "none"), sent,
        (time.monotonic() - started) * 1000), flush=True)
    sock.close()


def deaf_ping_flood():
    """PING frames as fast as they go for up to DEADLINE, never reading anything, with a small receive buffer: the
    edge's answers (acknowledgements, its GOAWAY) cannot leave it. How long until the edge ends the connection."""
    sock, conn = connect()
    await_settings(sock, conn)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    batch = hf.PingFrame(0).serialize() * 1000
    started = time.monotonic()
    sent, closed = 0, False
    while time.monotonic() - started < DEADLINE:
        try:
            sock.sendall(batch)
            sent += 1000
        except socket.timeout:
            continue
        except OSError:
            closed = True
            break
    print("deaf_ping_flood closed=%s frames_sent=%d elapsed_ms=%d" % ("true" if closed else "false", sent,
                                                                   (time.monotonic() - started) * 1000), flush=True)
    sock.close()


SCENARIOS = {"streams": too_many_streams, "rapid": rapid_reset, "values": bad_values, "big": big_header_block,
             "continuation": continuation_flood, "nobody": body_never_sent,
             "rapid_many": lambda: many(rapid_reset, "rapid_many"),
             "continuation_many": lambda: many(continuation_flood, "continuation_many"),
             "empty_continuation": empty_continuation_flood, "settings_flood": settings_flood,
             "ping_flood": lambda: overhead_flood("ping_flood", hf.PingFrame(0).serialize()),
             "window_update_flood": lambda: overhead_flood("window_update_flood", hf.WindowUpdateFrame(0, 1).serialize()),
             "unknown_flood": lambda: overhead_flood("unknown_flood", UNKNOWN_EMPTY_FRAME),
             "closed_stream_window_flood": lambda: overhead_flood("closed_stream_window_flood", hf.WindowUpdateFrame(1, 1).serialize(),
                                                                  request_and_read("/before-window-flood")),
             "empty_data_flood": lambda: overhead_flood("empty_data_flood", hf.DataFrame(1).serialize(), open_upload("/empty-data")),
             "idle_ping": lambda: idle("ping"), "idle_settings": lambda: idle("settings"),
             "deaf_ping_flood": deaf_ping_flood, "small_data_flood": small_data_flood,
             "silent": lambda: silent(False), "preface_only": lambda: silent(True),
             "trickle_settings": lambda: trickle("settings"), "trickle_headers": lambda: trickle("headers")}

if __name__ == "__main__":
    for scenario in sys.argv[1].split(","):
        SCENARIOS[scenario]()
