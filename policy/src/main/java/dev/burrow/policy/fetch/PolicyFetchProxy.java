package dev.burrow.policy.fetch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one way out for what policies fetch: a SOCKS5 proxy (RFC 1928, password auth of RFC 1929) on 127.0.0.1 that
 * the fetching HTTP clients (the JWKS client, vertx-auth-oauth2's) are told to use. The client hands it the host name
 * unresolved; the proxy resolves it once, asks the {@link FetchAddressGuard} about the address it got and connects to
 * that very address, so a name cannot pass the check with one answer and connect with another (DNS rebinding), and
 * every connection a library opens (redirects included) is checked, not only the URLs the policy names. The password
 * is random per proxy, so no other local process can use it as a way out.
 */
public final class PolicyFetchProxy {
    static final String USERNAME = "burrow-policy";
    static final long CONNECT_TIMEOUT_MILLIS = 5_000;
    static final long HANDSHAKE_TIMEOUT_MILLIS = 5_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final FetchAddressGuard guard;
    private final NetServer server;
    private final NetClient client;
    private final String password;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    private PolicyFetchProxy(Vertx vertx, FetchAddressGuard guard) {
        this.vertx = vertx;
        this.guard = guard;
        this.password = random();
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT_MILLIS));
        this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0));
        server.connectHandler(socket -> {
            open.incrementAndGet();
            new SocksConnection(this, socket).start();
        });
    }

    /** Listens on a port of 127.0.0.1 the OS picks. */
    public static Future<PolicyFetchProxy> start(Vertx vertx, FetchAddressGuard guard) {
        PolicyFetchProxy proxy = new PolicyFetchProxy(vertx, guard);
        return proxy.server.listen().map(listening -> proxy);
    }

    /** What an HTTP client must be given to fetch through this proxy. */
    public ProxyOptions proxyOptions() {
        return new ProxyOptions().setType(ProxyType.SOCKS5).setHost("127.0.0.1").setPort(server.actualPort())
                .setUsername(USERNAME).setPassword(password);
    }

    /** Connections from fetching clients open now (a gauge: it returns to 0 when nothing is being fetched). */
    public int openConnections() {
        return open.get();
    }

    /** Connections refused so far because the guard refused the address. */
    public long refusals() {
        return refused.get();
    }

    public Future<Void> close() {
        return server.close().eventually(() -> client.close());
    }

    Vertx vertx() {
        return vertx;
    }

    FetchAddressGuard guard() {
        return guard;
    }

    NetClient client() {
        return client;
    }

    boolean passwordMatches(byte[] user, byte[] presented) {
        return java.security.MessageDigest.isEqual(USERNAME.getBytes(java.nio.charset.StandardCharsets.US_ASCII), user)
                & java.security.MessageDigest.isEqual(password.getBytes(java.nio.charset.StandardCharsets.US_ASCII), presented);
    }

    void closed() {
        open.decrementAndGet();
    }

    void countRefusal() {
        refused.incrementAndGet();
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
