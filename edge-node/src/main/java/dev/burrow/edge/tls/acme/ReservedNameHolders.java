package dev.burrow.edge.tls.acme;

import dev.burrow.edge.tenancy.NameOwner;
import dev.burrow.edge.tenancy.ReservedNames;
import io.vertx.core.Future;

/**
 * The holders of names as the tenancy maps say (this node's copy): a reservation, a verified custom domain (a pending
 * one holds nothing) or a reserved wildcard, which is named so that its certificate may serve the name.
 */
public final class ReservedNameHolders implements NameEligibility.Holders {
    private final ReservedNames names;

    public ReservedNameHolders(ReservedNames names) {
        this.names = names;
    }

    @Override
    public Future<NameEligibility.Eligible> holderOf(String hostname) {
        return names.ownerOf(hostname).map(owner -> owner == null || !owner.verified() ? null
                : new NameEligibility.Eligible(owner.tenantId(), owner.via() == NameOwner.Via.WILDCARD ? owner.holder() : null));
    }

    @Override
    public Future<String> wildcardHolder(String base) {
        return names.wildcardOwner(base);
    }

    @Override
    public String wildcardHolderInCopy(String base) {
        return names.wildcardOwnerInCopy(base);
    }
}
