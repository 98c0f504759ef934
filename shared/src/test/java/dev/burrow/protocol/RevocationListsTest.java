package dev.burrow.protocol;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CRLs made by openssl (src/test/resources/revocation/README.md), read and checked against their CA. */
class RevocationListsTest {
    private static final Instant NOW = Instant.parse("2026-12-08T00:00:00Z");

    @Test
    void pemAndDerAreReadAndTravelAsPemText() throws IOException {
        List<X509CRL> pem = RevocationLists.read(bytes("fresh.crl"));
        List<X509CRL> der = RevocationLists.read(bytes("fresh.der"));
        assertEquals(pem, der);
        assertEquals(pem, RevocationLists.read(RevocationLists.pem(der)));
        String both = text("fresh.crl") + text("other.crl");
        assertEquals(2, RevocationLists.read(both).size(), "one text may hold several CRLs");
    }

    @Test
    void aCrlOfTheCasThatHasNotExpiredCanBeApplied() throws IOException {
        assertNull(RevocationLists.problem(text("fresh.crl"), text("ca.crt") + text("other.crt"), NOW));
        assertNull(RevocationLists.problem(text("expired.crl"), text("ca.crt"), null), "no date: only what a policy compile checks");
    }

    @Test
    void anExpiredCrlACrlOfAnotherCaAndGarbageAreRefusedInOneSentence() throws IOException {
        assertEquals("the CRL of CN=Fixture client CA expired at 2020-01-02T00:00:00Z (its nextUpdate); give a fresh one",
                RevocationLists.problem(text("expired.crl"), text("ca.crt"), NOW));
        assertEquals("the CRL of CN=Fixture other CA is not from any of the mutual TLS CAs; give the CRLs of those CAs only",
                RevocationLists.problem(text("other.crl"), text("ca.crt"), NOW));
        assertTrue(RevocationLists.problem(text("fresh.crl"), text("other.crt"), NOW).contains("is not from any of the mutual TLS CAs"));
        assertEquals("no CRL in it (PEM -----BEGIN X509 CRL----- or DER)", RevocationLists.problem("hello", text("ca.crt"), NOW));
        String corrupt = text("fresh.crl").replaceFirst("\n[A-Za-z0-9+/]{8}", "\n!!!!!!!!");
        assertTrue(RevocationLists.problem(corrupt, text("ca.crt"), NOW).startsWith("not a readable CRL"),
                RevocationLists.problem(corrupt, text("ca.crt"), NOW));
        assertThrows(IllegalArgumentException.class, () -> RevocationLists.read(new byte[] {0x30, 0x03, 1, 2}));
        assertTrue(RevocationLists.problem(text("fresh.crl"), null, NOW).startsWith("needs the mutual TLS CAs"));
    }

    private static String text(String name) throws IOException {
        return new String(bytes(name), StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = RevocationListsTest.class.getResourceAsStream("/revocation/" + name)) {
            return in.readAllBytes();
        }
    }
}
