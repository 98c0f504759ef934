package dev.burrow.edge.registry;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostnamesTest {

    @Test
    void normalizeLowercasesAndStripsPortAndTrailingDot() {
        assertEquals("app.localhost", Hostnames.normalize("App.LocalHost"));
        assertEquals("app.localhost", Hostnames.normalize("app.localhost:8080"));
        assertEquals("app.localhost", Hostnames.normalize("app.localhost."));
        assertEquals("app.localhost", Hostnames.normalize("APP.localhost.:80"));
        assertEquals("::1", Hostnames.normalize("[::1]:8080"));
        assertNull(Hostnames.normalize(""));
        assertNull(Hostnames.normalize(null));
        assertNull(Hostnames.normalize(":8080"));
    }

    @Test
    void validation() {
        assertTrue(Hostnames.isValidHostname("a-b.example.com"));
        assertFalse(Hostnames.isValidHostname("-ab.example.com"));
        assertFalse(Hostnames.isValidHostname("a..b"));
        assertFalse(Hostnames.isValidHostname("a_b.com"));
        assertTrue(Hostnames.isDirectSubdomain("app.localhost", "localhost"));
        assertFalse(Hostnames.isDirectSubdomain("a.b.localhost", "localhost"));
        assertFalse(Hostnames.isDirectSubdomain("localhost", "localhost"));
        assertFalse(Hostnames.isDirectSubdomain("evil-localhost", "localhost"));
    }

    @Test
    void randomNamesAreEightLowercaseAlphanumerics() {
        for (int i = 0; i < 1000; i++) {
            String name = Hostnames.randomName();
            assertTrue(name.matches("[a-z0-9]{8}"), name);
        }
    }
}
