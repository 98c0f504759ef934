package dev.burrow.edge.config;

import dev.burrow.edge.store.StoreSettings;

import java.util.Locale;

/**
 * Multi-tenancy settings of an edge node (see docs/tenancy.md).
 *
 * @param store          the tenancy database ({@code --db-url}, {@code --db-user}, {@code --db-password})
 * @param oidcIssuer     OpenID provider whose access tokens the admin API accepts ({@code --oidc-issuer}); null: only
 *                       the bootstrap admin token
 * @param oidcAudience   the audience those tokens must carry ({@code --oidc-audience}, default {@code burrow})
 * @param domainVerifier how custom domains are verified: {@code dns} (a TXT record) or {@code accept-all} (tests and
 *                       closed set-ups only)
 */
public record TenancySettings(StoreSettings store, String oidcIssuer, String oidcAudience, String domainVerifier) {
    public static final String DEFAULT_AUDIENCE = "burrow";
    public static final String VERIFIER_DNS = "dns";
    public static final String VERIFIER_ACCEPT_ALL = "accept-all";

    public TenancySettings {
        store = store == null ? StoreSettings.embedded() : store;
        oidcAudience = oidcAudience == null || oidcAudience.isBlank() ? DEFAULT_AUDIENCE : oidcAudience.trim();
        domainVerifier = domainVerifier == null || domainVerifier.isBlank() ? VERIFIER_DNS
                : domainVerifier.trim().toLowerCase(Locale.ROOT);
        oidcIssuer = oidcIssuer == null || oidcIssuer.isBlank() ? null : oidcIssuer.trim();
    }

    public static TenancySettings defaults() {
        return new TenancySettings(StoreSettings.embedded(), null, null, null);
    }

    public TenancySettings validate() {
        try {
            store.validate();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (!domainVerifier.equals(VERIFIER_DNS) && !domainVerifier.equals(VERIFIER_ACCEPT_ALL)) {
            throw new ConfigException("--domain-verifier \"" + domainVerifier + "\" is not known; use dns or accept-all");
        }
        if (oidcIssuer != null && !oidcIssuer.startsWith("http://") && !oidcIssuer.startsWith("https://")) {
            throw new ConfigException("--oidc-issuer \"" + oidcIssuer + "\" is not an http(s) URL");
        }
        return this;
    }

    public TenancySettings withStore(StoreSettings newStore) {
        return new TenancySettings(newStore, oidcIssuer, oidcAudience, domainVerifier);
    }

    public TenancySettings withOidc(String issuer, String audience) {
        return new TenancySettings(store, issuer, audience, domainVerifier);
    }

    public TenancySettings withDomainVerifier(String verifier) {
        return new TenancySettings(store, oidcIssuer, oidcAudience, verifier);
    }
}
