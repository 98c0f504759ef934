package dev.burrow.edge.tls.acme;

import dev.burrow.edge.tls.CertifiedKey;
import dev.burrow.edge.tls.PublicCertificates;
import dev.burrow.edge.tls.SniKeyManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A certificate is served from memory without a cluster or database call on the handshake path: certificates loaded
 * from the tenancy database at start are chosen and handed out by the calls the HTTPS port's key manager makes during a
 * handshake ({@code select} by SNI, then the chain and key by alias) after the node's Hazelcast member is shut down and
 * its database closed (a call to either would now throw, and a miss would start an order with no eligibility check
 * and no CA behind it, throwing too).
 */
class AcmeHandshakePathTest {
    @TempDir
    Path dir;

    @Test
    void storedCertificatesAreServedWithTheClusterAndTheDatabaseGone() throws Exception {
        List<String> names = NodeCertificatesFixture.customDomains(20);
        Vertx vertx = Vertx.vertx();
        try (NodeCertificatesFixture node = new NodeCertificatesFixture(dir)) {
            node.storeCertificates(names, "t1");
            node.storeCertificates(List.of("*.team.example"), "t2");
            AutomaticCertificates automatic = node.automatic(vertx, new SimpleMeterRegistry(), java.util.Map.of("team.example", "t2"), null);
            automatic.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(names.size() + 1, automatic.size());
            PublicCertificates certificates = node.publicCertificates();
            certificates.automatic(automatic);

            node.hazelcast.shutdown();
            node.database.close();

            for (String name : names) {
                CertifiedKey chosen = certificates.select(name);
                assertTrue(chosen.names().contains(name), name + ": " + chosen.names());
                X509Certificate[] chain = new SniKeyManager(certificates).getCertificateChain(chosen.alias());
                assertEquals(2, chain.length, "leaf and issuer");
                chain[0].verify(node.ca().getPublicKey());
                assertEquals(chosen.key(), new SniKeyManager(certificates).getPrivateKey(chosen.alias()));
            }
            CertifiedKey wildcard = certificates.select("web.team.example");
            assertEquals(List.of("*.team.example"), wildcard.names(), "a held tenant wildcard serves a name one label under it");
            automatic.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
