package dev.burrow.edge.tls.acme;

import dev.burrow.edge.tls.CertifiedKey;
import dev.burrow.edge.tls.PublicCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tenant's wildcard certificate serves the names under it only while the tenant reserves the wildcard, as this
 * node's copy of the tenancy maps says at the handshake, and is renewed only while some tenant does.
 */
class TenantWildcardReservationTest {
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    @Test
    void anUnreservedWildcardIsNeitherServedNorRenewed() throws Exception {
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (NodeCertificatesFixture node = new NodeCertificatesFixture(dir)) {
            long now = System.currentTimeMillis();
            node.storeCertificates(List.of("*.team.example"), "team");
            // 80 days into 90: both are due (renewal at 60 ± 3 days).
            node.storeCertificates(List.of("*.gone.example"), "gone", now - 80 * DAY, now + 10 * DAY);
            node.storeCertificates(List.of("*.kept.example"), "kept", now - 80 * DAY, now + 10 * DAY);
            Map<String, String> reserved = new ConcurrentHashMap<>(Map.of("team.example", "team", "kept.example", "kept"));
            // No hook and no delegation zone: a renewal that gets as far as its route is refused there, and counted.
            ChallengeRoutes routes = new ChallengeRoutes("example.com", DnsHooks.NONE, null, name -> {
                throw new AssertionError("no lookup without a delegation zone");
            });
            AutomaticCertificates automatic = node.automatic(vertx, meters, reserved, routes);
            automatic.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            AutomaticCertificates.Held gone = automatic.held().get("*.gone.example");
            AutomaticCertificates.Held kept = automatic.held().get("*.kept.example");
            PublicCertificates certificates = node.publicCertificates();
            certificates.automatic(automatic);

            assertEquals(List.of("*.team.example"), certificates.select("web.team.example").names(), "served while reserved");
            reserved.remove("team.example");
            CertifiedKey after = certificates.select("web.team.example");
            assertFalse(after.names().contains("*.team.example"), "no longer served once unreserved: " + after.names());
            assertTrue(certificates.select("web.gone.example").names().stream().noneMatch(name -> name.equals("*.gone.example")));

            // The first renewal check runs a second after start, for both due certificates.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((automatic.held().get("*.gone.example") == gone || automatic.held().get("*.kept.example") == kept)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(automatic.held().get("*.gone.example") != gone && automatic.held().get("*.kept.example") != kept,
                    "both renewal checks ended");
            assertEquals(1.0, meters.counter("burrow_acme_failures_total").count(),
                    "only the reserved wildcard went for a renewal (refused at its route); the unreserved one did not");
            assertEquals(0.0, meters.counter("burrow_acme_issued_total").count());
            assertSame(gone.certified(), automatic.held().get("*.gone.example").certified(), "kept until it runs out, not renewed");
            automatic.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
