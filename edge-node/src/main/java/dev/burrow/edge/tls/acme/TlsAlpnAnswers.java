package dev.burrow.edge.tls.acme;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.IMap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.util.CertificateUtils;
import org.shredzone.acme4j.util.KeyPairUtils;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The TLS-ALPN-01 answers of the orders in flight, by name, in a cluster map (the CA may reach any node's HTTPS port),
 * and the TLS context each node answers with: a self-signed certificate for the name carrying the
 * {@code acmeIdentifier} extension, offered only under ALPN {@code acme-tls/1} (RFC 8737). Contexts are made on a
 * worker and kept while their answer is the published one: every node forgets its context for a name when the
 * cluster map's entry goes (withdrawn by the node whose order ended, or expired), so at most a few are kept.
 */
public final class TlsAlpnAnswers {
    public static final String MAP = "burrow-acme-tls-alpn";
    private static final int MAX_CONTEXTS = 256;

    /** The context made (or being made) for one published answer; the CA's concurrent validations share it. */
    private record Context(String validation, Future<SslContext> ssl) {
    }

    private final Vertx vertx;
    private final IMap<String, String> answers;
    private final Map<String, Context> contexts = new ConcurrentHashMap<>();

    public TlsAlpnAnswers(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.answers = hazelcast.getMap(MAP);
        answers.addEntryListener(new AnswerGone(contexts), false);
    }

    /** Forgets a node's context when the published answer leaves the map; runs on a Hazelcast event thread. */
    private record AnswerGone(Map<String, Context> contexts) implements EntryRemovedListener<String, String>,
            EntryExpiredListener<String, String>, EntryEvictedListener<String, String> {
        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            contexts.remove(event.getKey());
        }

        @Override
        public void entryExpired(EntryEvent<String, String> event) {
            contexts.remove(event.getKey());
        }

        @Override
        public void entryEvicted(EntryEvent<String, String> event) {
            contexts.remove(event.getKey());
        }
    }

    /** Challenge contexts this node keeps (a gauge). */
    int cachedContexts() {
        return contexts.size();
    }

    /** Blocking (a cluster write): call it from a worker. */
    void publish(String name, byte[] acmeValidation) {
        answers.put(name, Base64.getEncoder().encodeToString(acmeValidation), Http01Tokens.TTL_SECONDS, TimeUnit.SECONDS);
    }

    void withdraw(String name) {
        answers.delete(name);
        contexts.remove(name);
    }

    /** The context to answer a challenge for {@code name} with, or null when none is published; never blocks. */
    Future<SslContext> contextFor(String name) {
        return Future.fromCompletionStage(answers.getAsync(name), vertx.getOrCreateContext()).compose(validation -> {
            if (validation == null) {
                return Future.succeededFuture();
            }
            if (contexts.size() >= MAX_CONTEXTS && !contexts.containsKey(name)) {
                return vertx.executeBlocking(() -> build(name, Base64.getDecoder().decode(validation)), false);
            }
            Future<SslContext> ssl = contexts.compute(name, (key, made) -> made != null && made.validation().equals(validation) ? made
                    : new Context(validation, vertx.executeBlocking(() -> build(name, Base64.getDecoder().decode(validation)), false))).ssl();
            return ssl;
        });
    }

    static SslContext build(String name, byte[] validation) throws Exception {
        AcmeClient.registerBouncyCastle();
        // acme4j signs the challenge certificate with SHA256withRSA: an RSA key (made in ~0.1-0.5 s, once per challenge).
        KeyPair key = KeyPairUtils.createKeyPair(2048);
        X509Certificate certificate = CertificateUtils.createTlsAlpn01Certificate(key, Identifier.dns(name), validation);
        return SslContextBuilder.forServer(key.getPrivate(), certificate)
                .sslProvider(OpenSsl.isAlpnSupported() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols("TLSv1.2", "TLSv1.3")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, TlsAlpn01Challenge.ACME_TLS_1_PROTOCOL))
                .build();
    }
}
