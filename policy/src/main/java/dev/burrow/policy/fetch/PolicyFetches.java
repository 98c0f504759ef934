package dev.burrow.policy.fetch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.internal.VertxInternal;

import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything policies fetch goes through here, under one {@link FetchAddressGuard}: the {@link PolicyFetchProxy}
 * (started at the first fetch, so compiling a policy opens nothing), the client options every fetching client must
 * use, and one shared client for JWKS. One per Vert.x instance and guard, closed with that instance. The clients keep
 * no connection alive: fetches are minutes apart, and a pooled connection the server is closing can be handed to the
 * next fetch, which then fails at once or waits out its timeout.
 */
public final class PolicyFetches {
    private static final Map<Vertx, Map<FetchAddressGuard, PolicyFetches>> SHARED = new HashMap<>();

    private final Vertx vertx;
    private final FetchAddressGuard guard;
    private Future<PolicyFetchProxy> proxy;
    private Future<HttpClient> client;

    PolicyFetches(Vertx vertx, FetchAddressGuard guard) {
        this.vertx = vertx;
        this.guard = guard;
    }

    /** The fetches of {@code vertx} under {@code guard}, made at the first call and closed with {@code vertx}. */
    public static synchronized PolicyFetches of(Vertx vertx, FetchAddressGuard guard) {
        Map<FetchAddressGuard, PolicyFetches> byGuard = SHARED.computeIfAbsent(vertx, owner -> {
            if (owner instanceof VertxInternal internal) {
                // Vert.x closes the proxy and the clients itself; what is left is to forget them.
                internal.addCloseHook(completion -> {
                    forget(owner);
                    completion.succeed();
                });
            }
            return new HashMap<>();
        });
        return byGuard.computeIfAbsent(guard, key -> new PolicyFetches(vertx, key));
    }

    private static synchronized void forget(Vertx owner) {
        SHARED.remove(owner);
    }

    public FetchAddressGuard guard() {
        return guard;
    }

    /** The proxy, started at the first call. */
    public synchronized Future<PolicyFetchProxy> proxy() {
        if (proxy == null || proxy.failed()) {
            proxy = PolicyFetchProxy.start(vertx, guard);
        }
        return proxy;
    }

    /** Options for a client that fetches for a policy (vertx-auth-oauth2's): through the proxy, no redirects, no keep-alive. */
    public Future<HttpClientOptions> clientOptions() {
        return proxy().map(started -> new HttpClientOptions().setKeepAlive(false).setMaxRedirects(0)
                .setProxyOptions(started.proxyOptions()).setName("burrow-policy-fetch"));
    }

    /** The client JWKS are fetched with, shared. */
    public synchronized Future<HttpClient> client() {
        if (client == null || client.failed()) {
            client = clientOptions().map(vertx::createHttpClient);
        }
        return client;
    }

    /**
     * Fails with a sentence an operator can act on when the host of {@code url} is an address the guard refuses (or a
     * name that resolves to one). This only words the refusal early: the proxy checks again the address it connects
     * to, which is what protects.
     */
    public Future<Void> check(String url) {
        String host;
        try {
            host = URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new FetchRefusedException(url + " is not a URL"));
        }
        if (host == null) {
            return Future.failedFuture(new FetchRefusedException(url + " names no host"));
        }
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return vertx.executeBlocking(() -> InetAddress.getAllByName(name)[0], false)
                .recover(failure -> Future.failedFuture(new FetchRefusedException(
                        "cannot fetch " + url + ": " + name + " does not resolve")))
                .compose(address -> {
                    String refusal = guard.refusal(address);
                    return refusal == null ? Future.<Void>succeededFuture() 
                            : Future.<Void>failedFuture(new FetchRefusedException(
                            "the edge does not fetch " + url + ": " + refusal
                                    + " (an operator can allow a range with --policy-fetch-allow)"));
                });
    }

    /** Stops the proxy and the shared client. */
    public synchronized Future<Void> close() {
        Future<Void> clientClosed = client == null ? Future.succeededFuture()
                : client.compose(HttpClient::close).otherwiseEmpty().mapEmpty();
        Future<Void> proxyClosed = proxy == null ? Future.succeededFuture()
                : proxy.compose(PolicyFetchProxy::close).otherwiseEmpty().mapEmpty();
        client = null;
        proxy = null;
        return Future.join(clientClosed, proxyClosed).mapEmpty();
    }

    /** Why a policy fetch was refused, in a sentence for the operator and the trail. */
    public static final class FetchRefusedException extends IllegalStateException {
        public FetchRefusedException(String message) {
            super(message);
        }
    }
}
