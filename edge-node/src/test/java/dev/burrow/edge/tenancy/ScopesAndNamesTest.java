package dev.burrow.edge.tenancy;

import dev.burrow.edge.registry.Hostnames;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Name normalisation, label-boundary matching, token scopes and secrets that never print. */
class ScopesAndNamesTest {
    @Test
    void everySpellingOfANameNormalisesToOne() {
        for (String spelling : List.of("b.example.com", "B.EXAMPLE.COM.", "b.example.com:8080", "B.Example.Com.:443",
                "\uff42.example.com", "\uff42\uff0e\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d",
                "b\u3002example\u3002com", " b.example.com. ")) {
            assertEquals("b.example.com", Hostnames.normalize(spelling), spelling);
        }
        // A homoglyph from another script is another name (punycode), never the ASCII one.
        assertEquals("xn--90a.example.com", Hostnames.normalize("\u0431.example.com"));
    }

    @Test
    void wildcardsMatchOnLabelBoundariesOnly() {
        assertTrue(Hostnames.isUnder("x.bee.example.com", "bee.example.com"));
        assertTrue(Hostnames.isUnder("a.x.bee.example.com", "bee.example.com"));
        assertFalse(Hostnames.isUnder("xbee.example.com", "bee.example.com"));
        assertFalse(Hostnames.isUnder("bee.example.com", "bee.example.com"));
        assertEquals(List.of("b.c", "c"), Hostnames.wildcardAncestors("a.b.c"));
    }

    @Test
    void scopesAllowOnlyWhatTheyName() {
        List<String> scopes = Scopes.validate(List.of("bind:*.Acme.Example.com", "bind:tcp:20022", "bind:app.example.com."));
        assertEquals(List.of("bind:*.acme.example.com", "bind:tcp:20022", "bind:app.example.com"), scopes);
        assertTrue(Scopes.allowsHostname(scopes, "api.acme.example.com"));
        assertFalse(Scopes.allowsHostname(scopes, "acme.example.com"));
        assertFalse(Scopes.allowsHostname(scopes, "evilacme.example.com"));
        assertTrue(Scopes.allowsHostname(scopes, "app.example.com"));
        assertTrue(Scopes.allowsPort(scopes, 20022));
        assertFalse(Scopes.allowsPort(scopes, 20023));
        assertTrue(Scopes.allowsHostname(List.of(), "anything.example.com"), "no scopes: no restriction");
        assertThrows(IllegalArgumentException.class, () -> Scopes.validate(List.of("admin:*")));
        assertThrows(IllegalArgumentException.class, () -> Scopes.validate(List.of("bind:tcp:http")));
    }

    @Test
    void tokensAreLongRandomAndNeverPrinted() {
        Authtoken token = Authtoken.generate();
        assertEquals("HIDDEN", token.toString());
        assertTrue(token.reveal().length() >= 3 + 43, "256 bits in base64url");
        assertEquals(64, token.hash().length());
        TokenRecord record = new TokenRecord("tok_1", "t", token.hash(), null, List.of(), 1, 0);
        assertFalse(record.toString().contains(token.hash()));
        assertFalse(new dev.burrow.edge.store.StoreSettings("jdbc:postgresql://db/x", "u", "s3cret").toString().contains("s3cret"));
    }

    @Test
    void udpScopesAreValidatedAndKeptApartFromTcp() {
        List<String> scopes = Scopes.validate(List.of("bind:UDP:20053", "bind:tcp:20022"));
        assertEquals(List.of("bind:udp:20053", "bind:tcp:20022"), scopes);
        assertTrue(Scopes.allowsPort(scopes, "udp", 20053));
        assertFalse(Scopes.allowsPort(scopes, "tcp", 20053));
        assertFalse(Scopes.allowsPort(scopes, "udp", 20022));
        assertFalse(Scopes.allowsPort(scopes, "udp", 0));
        assertTrue(Scopes.allowsPort(Scopes.validate(List.of("bind:udp:*")), "udp", 0));
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Scopes.validate(List.of("bind:udp:99999")));
        assertEquals("scope \"bind:udp:99999\" has no valid port; use bind:udp:PORT", bad.getMessage());
    }
}
