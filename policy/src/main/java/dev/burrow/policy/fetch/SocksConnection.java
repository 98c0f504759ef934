package dev.burrow.policy.fetch;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * One client connection to the {@link PolicyFetchProxy}: the SOCKS5 greeting, the username/password check, one
 * CONNECT request, then the bytes of both directions piped with backpressure. Anything else (another version, no
 * password method, BIND, UDP ASSOCIATE, a handshake slower than {@link PolicyFetchProxy#HANDSHAKE_TIMEOUT_MILLIS}) is
 * answered as RFC 1928 says and closed. Runs on the event loop of its socket.
 */
final class SocksConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFetchProxy.class);
    private static final int MAX_HANDSHAKE_BYTES = 1024;
    private static final byte VERSION = 5;
    private static final byte METHOD_PASSWORD = 2;
    private static final byte REPLY_SUCCEEDED = 0;
    private static final byte REPLY_NOT_ALLOWED = 2;
    private static final byte REPLY_HOST_UNREACHABLE = 4;
    private static final byte REPLY_REFUSED = 5;
    private static final byte REPLY_COMMAND_NOT_SUPPORTED = 7;
    private static final byte REPLY_ADDRESS_TYPE_NOT_SUPPORTED = 8;

    private enum Stage { GREETING, AUTH, REQUEST, CONNECTING }

    private final PolicyFetchProxy proxy;
    private final NetSocket socket;
    private Buffer pending = Buffer.buffer();
    private Stage stage = Stage.GREETING;
    private NetSocket upstream;
    private long handshakeTimer;

    SocksConnection(PolicyFetchProxy proxy, NetSocket socket) {
        this.proxy = proxy;
        this.socket = socket;
    }

    void start() {
        handshakeTimer = proxy.vertx().setTimer(PolicyFetchProxy.HANDSHAKE_TIMEOUT_MILLIS, id -> socket.close());
        socket.handler(this::received);
        socket.closeHandler(closed -> {
            proxy.closed();
            proxy.vertx().cancelTimer(handshakeTimer);
            if (upstream != null) {
                upstream.close();
            }
        });
    }

    private void received(Buffer chunk) {
        pending.appendBuffer(chunk);
        if (pending.length() > MAX_HANDSHAKE_BYTES) {
            socket.close();
            return;
        }
        boolean advanced = true;
        while (advanced && stage != Stage.CONNECTING) {
            advanced = switch (stage) {
                case GREETING -> greeting();
                case AUTH -> auth();
                case REQUEST -> request();
                case CONNECTING -> false;
            };
        }
    }

    private boolean greeting() {
        if (pending.length() < 2) {
            return false;
        }
        int methods = pending.getUnsignedByte(1);
        if (pending.length() < 2 + methods) {
            return false;
        }
        boolean password = false;
        for (int i = 0; i < methods; i++) {
            password |= pending.getByte(2 + i) == METHOD_PASSWORD;
        }
        if (pending.getByte(0) != VERSION || !password) {
            socket.write(Buffer.buffer(new byte[]{VERSION, (byte) 0xff})).onComplete(done -> socket.close());
            return false;
        }
        consume(2 + methods);
        socket.write(Buffer.buffer(new byte[]{VERSION, METHOD_PASSWORD}));
        stage = Stage.AUTH;
        return true;
    }

    private boolean auth() {
        if (pending.length() < 2) {
            return false;
        }
        int userLength = pending.getUnsignedByte(1);
        if (pending.length() < 3 + userLength) {
            return false;
        }
        int passwordLength = pending.getUnsignedByte(2 + userLength);
        if (pending.length() < 3 + userLength + passwordLength) {
            return false;
        }
        byte[] user = pending.getBytes(2, 2 + userLength);
        byte[] password = pending.getBytes(3 + userLength, 3 + userLength + passwordLength);
        consume(3 + userLength + passwordLength);
        if (!proxy.passwordMatches(user, password)) {
            socket.write(Buffer.buffer(new byte[]{1, 1})).onComplete(done -> socket.close());
            return false;
        }
        socket.write(Buffer.buffer(new byte[]{1, 0}));
        stage = Stage.REQUEST;
        return true;
    }

    private boolean request() {
        if (pending.length() < 5) {
            return false;
        }
        if (pending.getByte(0) != VERSION || pending.getByte(1) != 1) {
            return answerAndClose(REPLY_COMMAND_NOT_SUPPORTED);
        }
        int type = pending.getByte(3);
        int addressLength = switch (type) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> 1 + pending.getUnsignedByte(4);
            default -> -1;
        };
        if (addressLength < 0) {
            return answerAndClose(REPLY_ADDRESS_TYPE_NOT_SUPPORTED);
        }
        if (pending.length() < 4 + addressLength + 2) {
            return false;
        }
        String host = type == 3 ? pending.getString(5, 4 + addressLength, StandardCharsets.US_ASCII.name()) : null;
        byte[] literal = type == 3 ? null : pending.getBytes(4, 4 + addressLength);
        int port = pending.getUnsignedShort(4 + addressLength);
        consume(4 + addressLength + 2);
        stage = Stage.CONNECTING;
        socket.pause();
        resolve(host, literal).onComplete(resolved -> {
            if (resolved.failed()) {
                LOG.warn("policy fetch from {}:{} failed: {} does not resolve", host, port, host);
                answerAndClose(REPLY_HOST_UNREACHABLE);
            } else {
                connect(host == null ? resolved.result().getHostAddress() : host, resolved.result(), port);
            }
        });
        return false;
    }

    /** A name is resolved on a worker thread (the JDK resolver blocks; it also reads /etc/hosts); a literal is not. */
    private Future<InetAddress> resolve(String host, byte[] literal) {
        if (literal != null) {
            try {
                return Future.succeededFuture(InetAddress.getByAddress(literal));
            } catch (UnknownHostException e) {
                return Future.failedFuture(e);
            }
        }
        return proxy.vertx().executeBlocking(() -> InetAddress.getAllByName(host)[0], false);
    }

    private void connect(String named, InetAddress address, int port) {
        String refusal = proxy.guard().refusal(address);
        if (refusal != null) {
            proxy.countRefusal();
            LOG.warn("refused a policy fetch from {}:{}: {}; an operator allows a range with --policy-fetch-allow",
                    named, port, refusal);
            answerAndClose(REPLY_NOT_ALLOWED);
            return;
        }
        proxy.client().connect(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port))).onComplete(connected -> {
            if (connected.failed()) {
                answerAndClose(REPLY_REFUSED);
                return;
            }
            proxy.vertx().cancelTimer(handshakeTimer);
            upstream = connected.result();
            upstream.closeHandler(closed -> socket.close());
            socket.write(Buffer.buffer(new byte[]{VERSION, REPLY_SUCCEEDED, 0, 1, 0, 0, 0, 0, 0, 0}));
            if (pending.length() > 0) {
                upstream.write(pending);
                pending = Buffer.buffer();
            }
            socket.pipeTo(upstream);
            upstream.pipeTo(socket);
        });
    }

    private boolean answerAndClose(byte reply) {
        socket.write(Buffer.buffer(new byte[]{VERSION, reply, 0, 1, 0, 0, 0, 0, 0, 0})).onComplete(done -> socket.close());
        return false;
    }

    private void consume(int bytes) {
        pending = pending.getBuffer(bytes, pending.length());
    }
}
