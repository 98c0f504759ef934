package dev.burrow.edge.tls;

import dev.burrow.edge.pki.DevPki;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTTPS servers' key material: the OpenSSL engine reads a certificate's chain and key once per TLS context, not
 * once per handshake, and again after {@link KeyMaterialCache#renew()} and a rebuilt context; a renewal is due once
 * {@link KeyMaterialCache#MAX_STALE} cached certificates are gone.
 */
class KeyMaterialCacheTest {

    /** One certificate for every name; counts the reads of its chain and key by alias. */
    private static final class CountingCertificates implements SniKeyManager.Certificates {
        private final CertifiedKey only;
        private final AtomicInteger reads = new AtomicInteger();

        CountingCertificates(CertifiedKey only) {
            this.only = only;
        }

        @Override
        public CertifiedKey select(String serverName) {
            return only;
        }

        @Override
        public CertifiedKey byAlias(String alias) {
            reads.incrementAndGet();
            return only.alias().equals(alias) ? only : null;
        }
    }

    @Test
    void theEngineReadsACertificateOncePerTlsContextAndAgainAfterARebuild(@TempDir Path dir) throws Exception {
        assumeTrue(OpenSSLEngineOptions.isAvailable(), "netty-tcnative is not loadable here");
        DevPki pki = DevPki.ensure(dir, "localhost");
        CountingCertificates certificates = new CountingCertificates(CertificateFiles.read(pki.serverCert(), pki.serverKey()));
        KeyMaterialCache cache = new KeyMaterialCache(certificates);
        Vertx vertx = Vertx.vertx();
        try {
            HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                    .setKeyCertOptions(cache).setSslEngineOptions(new OpenSSLEngineOptions());
            HttpServer server = vertx.createHttpServer(options).requestHandler(request -> request.response().end("ok"));
            int port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
            for (int i = 0; i < 3; i++) {
                assertEquals("ok", getOverANewSession(vertx, port));
            }
            assertEquals(2, certificates.reads.get(), "three full handshakes: the chain and the key read once");

            cache.renew();
            assertTrue(server.updateSSLOptions(options.getSslOptions(), true).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS), "the TLS context was not rebuilt");
            assertEquals("ok", getOverANewSession(vertx, port));
            assertEquals("ok", getOverANewSession(vertx, port));
            assertEquals(4, certificates.reads.get(), "the rebuilt context reads them once more, with an empty cache");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRenewalIsDueOnceEnoughCachedCertificatesAreGone(@TempDir Path dir) throws Exception {
        DevPki pki = DevPki.ensure(dir, "localhost");
        CountingCertificates certificates = new CountingCertificates(CertificateFiles.read(pki.serverCert(), pki.serverKey()));
        KeyMaterialCache cache = new KeyMaterialCache(certificates);
        SniKeyManager keyManager = (SniKeyManager) cache.getKeyManagerFactory(null).getKeyManagers()[0];
        keyManager.getCertificateChain(certificates.only.alias());
        for (int i = 0; i < KeyMaterialCache.MAX_STALE - 1; i++) {
            keyManager.getCertificateChain("gone-" + i);
        }
        assertFalse(cache.worthRenewing(), (KeyMaterialCache.MAX_STALE - 1) + " gone");
        keyManager.getCertificateChain("gone-last");
        assertTrue(cache.worthRenewing(), KeyMaterialCache.MAX_STALE + " gone");
        cache.renew();
        assertFalse(cache.worthRenewing(), "a renewed cache holds nothing");
    }

    /** One request on a client of its own: a new TLS session, so a full handshake. */
    private static String getOverANewSession(Vertx vertx, int port) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
        try {
            return client.request(HttpMethod.GET, port, "127.0.0.1", "/")
                    .compose(request -> request.send().compose(response -> response.body()))
                    .map(body -> body.toString())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
