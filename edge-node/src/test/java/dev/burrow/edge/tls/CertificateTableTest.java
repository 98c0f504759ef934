package dev.burrow.edge.tls;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Certificate choice per SNI: exact name, then a one-level wildcard, then the fallback; the first source wins. */
class CertificateTableTest {
    private static CertifiedKey named(String alias, String... names) {
        return new CertifiedKey(alias, null, null, List.of(names), alias);
    }

    private final CertifiedKey dev = named("dev", "localhost", "*.localhost");
    private final CertifiedKey shop = named("shop", "shop.example.com");
    private final CertifiedKey wildcard = named("wild", "*.example.com");
    private final CertifiedKey weaker = named("weaker", "shop.example.com", "api.example.com");
    private final CertificateTable table = new CertificateTable(List.of(shop, wildcard, weaker), dev);

    @Test
    void anExactNameBeatsAWildcardAndTheFirstSourceWins() {
        assertSame(shop, table.select("shop.example.com"));
        assertSame(shop, table.select("SHOP.Example.COM"));
        assertSame(weaker, table.select("api.example.com"));
    }

    @Test
    void aWildcardCoversOneLabelOnly() {
        assertSame(wildcard, table.select("blog.example.com"));
        assertSame(dev, table.select("a.b.example.com"));
        assertSame(dev, table.select("example.com"));
    }

    @Test
    void noSniAndUnknownNamesGetTheFallback() {
        assertSame(dev, table.select(null));
        assertSame(dev, table.select(""));
        assertSame(dev, table.select("scanner.invalid"));
        assertEquals(4, table.size());
        assertSame(wildcard, table.byAlias("wild"));
    }
}
