package dev.burrow.edge.tls;

import dev.burrow.edge.pki.DevPki;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class PublicCertificatesTest {

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private PublicCertificates certificatesFor(String domain) throws Exception {
        DevPki pki = DevPki.ensure(dir, domain);
        return new PublicCertificates(null, List.of(), new PublicCertificates.FilePair(pki.serverCert(), pki.serverKey()),
                new PublicCertificates.FilePair(pki.caCert(), dir.resolve(DevPki.CA_KEY)));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNameUnderAOneLabelDomainGetsItsOwnCertificateSignedByTheDevCa() throws Exception {
        PublicCertificates certificates = certificatesFor("localhost");
        CertifiedKey fallback = certificates.select("nobody.localhost");

        await(certificates.ensureFor(vertx, "App.localhost"));

        CertifiedKey own = certificates.select("app.localhost");
        assertNotSame(fallback, own);
        assertEquals(List.of("app.localhost"), own.names());
        X509Certificate leaf = own.chain()[0];
        leaf.verify(own.chain()[1].getPublicKey());
        assertSame(own, certificates.byAlias(own.alias()));
        assertEquals(1, certificates.issuedCount());
    }

    @Test
    void twoCallersAtOnceForOneNameWaitForOneCertificate() throws Exception {
        PublicCertificates certificates = certificatesFor("localhost");

        // Both ask from one event-loop task, as the bind and the registry's event do: the issuance cannot complete (its
        // result comes back through this event loop) before the second caller asks.
        io.vertx.core.Promise<List<Future<Void>>> asked = io.vertx.core.Promise.promise();
        vertx.runOnContext(v -> asked.complete(List.of(certificates.ensureFor(vertx, "a.localhost"),
                certificates.ensureFor(vertx, "a.localhost"))));
        List<Future<Void>> callers = await(asked.future());
        await(Future.all(callers.get(0), callers.get(1)));

        assertSame(callers.get(0), callers.get(1), "the second caller waits for the first one's issuance");
        assertEquals(1, certificates.issuedCount());
    }

    @Test
    void everyIssuedCertificateCarriesTheNodesOneKey() throws Exception {
        PublicCertificates certificates = certificatesFor("localhost");

        await(Future.all(certificates.ensureFor(vertx, "a.localhost"), certificates.ensureFor(vertx, "b.localhost")));

        CertifiedKey a = certificates.select("a.localhost");
        CertifiedKey b = certificates.select("b.localhost");
        assertNotSame(a, b);
        assertSame(a.key(), b.key());
        assertArrayEquals(a.chain()[0].getPublicKey().getEncoded(), b.chain()[0].getPublicKey().getEncoded());
    }

    @Test
    void aForgottenNameFallsBackToTheDevCertificate() throws Exception {
        PublicCertificates certificates = certificatesFor("localhost");
        CertifiedKey fallback = certificates.select("nobody.localhost");
        await(certificates.ensureFor(vertx, "gone.localhost"));
        String alias = certificates.select("gone.localhost").alias();

        certificates.forget("gone.localhost");

        assertSame(fallback, certificates.select("gone.localhost"));
        assertEquals(null, certificates.byAlias(alias));
        assertEquals(0, certificates.issuedCount());
    }

    @Test
    void aNameTheDevWildcardServesGetsNoCertificateOfItsOwn() throws Exception {
        PublicCertificates certificates = certificatesFor("tunnels.example.com");

        await(certificates.ensureFor(vertx, "app.tunnels.example.com"));

        assertEquals(0, certificates.issuedCount());
        assertEquals(certificates.select(null), certificates.select("app.tunnels.example.com"));
    }
}
