#!/usr/bin/env python3
"""A gRPC echo service and its client, on Debian's python3-grpcio, with raw-bytes messages (no protoc needed).

server: prints "listening PORT" and serves until stdin closes or 120 s pass.
  /test.Echo/Unary   -> b"echo:" + request, trailing metadata x-echo-trailer: kept
  /test.Echo/Fail    -> status INVALID_ARGUMENT, details "no such thing: <request>", trailing metadata x-why: refused
  /test.Echo/Stream  -> COUNT replies "part-i:" + request (COUNT is the request's first byte as a digit)
client TARGET AUTHORITY CA_FILE: calls each method once over TLS, prints one line per call:
  unary code=OK reply=<reply> trailer=<x-echo-trailer>
  fail code=<code> details=<details> trailer=<x-why>
  stream code=OK replies=<r1>|<r2>|...
"""
import sys
import threading
import time
from concurrent import futures

import grpc

RAW = dict(request_deserializer=None, response_serializer=None)


def unary(request, context):
    context.set_trailing_metadata((("x-echo-trailer", "kept"),))
    return b"echo:" + request


def fail(request, context):
    context.set_trailing_metadata((("x-why", "refused"),))
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "no such thing: " + request.decode())


def stream(request, context):
    for i in range(int(request[:1].decode())):
        yield b"part-%d:" % i + request


def serve():
    handler = grpc.method_handlers_generic_handler("test.Echo", {
        "Unary": grpc.unary_unary_rpc_method_handler(unary, **RAW),
        "Fail": grpc.unary_unary_rpc_method_handler(fail, **RAW),
        "Stream": grpc.unary_stream_rpc_method_handler(stream, **RAW),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), handlers=(handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("listening %d" % port, flush=True)
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait(120)
    server.stop(0)


def client(target, authority, ca_file):
    with open(ca_file, "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    options = (("grpc.ssl_target_name_override", authority), ("grpc.default_authority", authority))
    with grpc.secure_channel(target, credentials, options=options) as channel:
        call = channel.unary_unary("/test.Echo/Unary")
        reply, outcome = call.with_call(b"hello", timeout=15)
        trailer = dict(outcome.trailing_metadata()).get("x-echo-trailer")
        print("unary code=%s reply=%s trailer=%s" % (outcome.code().name, reply.decode(), trailer), flush=True)
        try:
            channel.unary_unary("/test.Echo/Fail").with_call(b"widget", timeout=15)
            print("fail code=OK", flush=True)
        except grpc.RpcError as error:
            trailer = dict(error.trailing_metadata() or ()).get("x-why")
            print("fail code=%s details=%s trailer=%s" % (error.code().name, error.details(), trailer), flush=True)
        replies = channel.unary_stream("/test.Echo/Stream")(b"4abc", timeout=15)
        parts = [r.decode() for r in replies]
        print("stream code=%s replies=%s" % (replies.code().name, "|".join(parts)), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve()
    else:
        client(sys.argv[2], sys.argv[3], sys.argv[4])
