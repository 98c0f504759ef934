package dev.burrow.edge.tls;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each source's certificates in one family of series, told apart by the {@code source} label. */
class CertificateExpiryGaugesTest {
    private static final long DAY = 86_400_000L;

    @Test
    void eachNameIsARowOfItsSourceAndTheSoonestIsInDaysLeft() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        CertificateExpiryGauges policy = new CertificateExpiryGauges(metrics, "policy");
        CertificateExpiryGauges acme = new CertificateExpiryGauges(metrics, "acme");
        assertTrue(Double.isNaN(soonest(metrics, "policy")), "none: NaN");
        long now = System.currentTimeMillis();
        policy.set("a.example.test", now + 10 * DAY);
        policy.set("b.example.test", now + 3 * DAY);
        acme.replaceAll(Map.of("c.example.test", now + 60 * DAY));

        assertEquals((now + 10 * DAY) / 1000.0, expiry(metrics, "policy", "a.example.test"));
        assertEquals(3, soonest(metrics, "policy"), 0.01);
        assertEquals(60, soonest(metrics, "acme"), 0.01);

        policy.set("b.example.test", now + 20 * DAY);
        assertEquals(10, soonest(metrics, "policy"), 0.01, "a renewed certificate moves its row");
        policy.remove("a.example.test");
        assertNull(metrics.find(CertificateExpiryGauges.EXPIRY).tags("source", "policy", "name", "a.example.test").gauge());
        assertEquals(20, soonest(metrics, "policy"), 0.01);
        acme.replaceAll(Map.of());
        assertNull(metrics.find(CertificateExpiryGauges.EXPIRY).tag("source", "acme").gauge(), "replaced by nothing");
        assertEquals(1, policy.size());
    }

    private static double expiry(SimpleMeterRegistry metrics, String source, String name) {
        return metrics.get(CertificateExpiryGauges.EXPIRY).tags("source", source, "name", name).gauge().value();
    }

    private static double soonest(SimpleMeterRegistry metrics, String source) {
        return metrics.get(CertificateExpiryGauges.SOONEST).tag("source", source).gauge().value();
    }
}
