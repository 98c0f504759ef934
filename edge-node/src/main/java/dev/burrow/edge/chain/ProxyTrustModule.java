package dev.burrow.edge.chain;

import dev.burrow.edge.config.ProxyProtocolSettings;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.Verdict;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With PROXY protocol on, a header from a peer outside the trusted ranges could claim any client address: such a
 * connection is closed before anything is relayed, so no module and no upstream ever believes it. A connection whose
 * listener reads no PROXY header (a UDP visitor) is its own client and passes.
 */
public final class ProxyTrustModule implements ConnectionModule {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyTrustModule.class);

    private final ProxyProtocolSettings settings;
    private final ProxyProtocolSettings.Trust trust;
    private final Future<Verdict> untrusted;

    public ProxyTrustModule(ProxyProtocolSettings settings) {
        this.settings = settings;
        this.trust = settings.trust();
        this.untrusted = Future.succeededFuture(new Verdict.Close("proxy-protocol-trust",
                "the peer is not in --proxy-protocol-trusted " + settings.trusted()));
    }

    @Override
    public Future<Verdict> onConnect(PublicConnection connection, Endpoint endpoint) {
        if (!settings.enabled() || !connection.proxied() || trust.trusts(connection.peer())) {
            return Chains.PROCEED;
        }
        LOG.warn("closing a connection from {}: it is not in --proxy-protocol-trusted {}, so its PROXY header "
                + "(claiming {}) is not believed", connection.peer(), settings.trusted(), connection.client());
        return untrusted;
    }
}
