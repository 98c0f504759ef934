package dev.burrow.edge.chain;

import dev.burrow.policy.Verdict;
import dev.burrow.policy.VisitorIdentity;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Last in the request phase, after the policies: removes whatever stands under the identity names
 * ({@link IdentityHeaders}; a policy's {@code add-headers} cannot forge them either) and, when an action verified the
 * visitor, adds the edge's signed assertion and the plain identity headers. Plain values are UTF-8 with every byte
 * outside printable ASCII, and {@code %}, percent-encoded, so a claim can neither split the head nor be misread.
 */
public final class IdentityAssertionModule implements RequestModule {
    private final IdentityAssertions assertions;

    public IdentityAssertionModule(IdentityAssertions assertions) {
        this.assertions = assertions;
    }

    @Override
    public Future<Verdict> onRequest(Exchange exchange) {
        List<Map.Entry<String, String>> headers = exchange.forwardHeaders();
        IdentityHeaders.strip(headers);
        VisitorIdentity identity = exchange.verifiedIdentity();
        if (identity == null) {
            return Chains.PROCEED;
        }
        headers.add(Exchange.entry(IdentityHeaders.ASSERTION, assertions.assertionFor(identity, exchange.endpoint())));
        headers.add(Exchange.entry(IdentityHeaders.PROVIDER, plain(identity.provider())));
        add(headers, IdentityHeaders.USER_ID, identity.subject());
        add(headers, IdentityHeaders.USER_EMAIL, identity.email());
        add(headers, IdentityHeaders.USER_NAME, identity.name());
        return Chains.PROCEED;
    }

    /** A field the provider did not give ("" or null) is no header at all. */
    private static void add(List<Map.Entry<String, String>> headers, String name, String value) {
        if (value != null && !value.isEmpty()) {
            headers.add(Exchange.entry(name, plain(value)));
        }
    }

    static String plain(String value) {
        StringBuilder out = null;
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean safe = b >= 0x20 && b < 0x7f && b != '%';
            if (!safe && out == null) {
                out = new StringBuilder(bytes.length + 16).append(new String(bytes, 0, i, StandardCharsets.US_ASCII));
            }
            if (out != null) {
                if (safe) {
                    out.append((char) b);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
                }
            }
        }
        return out == null ? value : out.toString();
    }
}
