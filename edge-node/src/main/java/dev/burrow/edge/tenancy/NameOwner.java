package dev.burrow.edge.tenancy;

/**
 * Who holds a hostname: through an exact reservation, a custom domain (possibly not yet verified) or a wildcard.
 *
 * @param holder what gives the tenant the name, for messages ({@code app.example.com}, {@code *.acme.example.com})
 */
public record NameOwner(String tenantId, Via via, boolean verified, String holder) {
    public enum Via { RESERVATION, CUSTOM_DOMAIN, WILDCARD }
}
