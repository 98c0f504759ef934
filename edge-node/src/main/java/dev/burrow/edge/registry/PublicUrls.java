package dev.burrow.edge.registry;

import dev.burrow.policy.InternalUrl;

import java.util.function.IntSupplier;

/**
 * The URL the public reaches an endpoint at, as the agent is told when it binds: {@code tcp://DOMAIN:PORT},
 * {@code http://NAME[:PORT]}, {@code https://NAME[:PORT]} (the listeners' ports, read when asked; 80 and 443 left
 * out), {@code https://NAME.internal} for an internal endpoint.
 */
public final class PublicUrls {
    private final String domain;
    private final IntSupplier httpPort;
    private final IntSupplier httpsPort;

    public PublicUrls(String domain, IntSupplier httpPort, IntSupplier httpsPort) {
        this.domain = domain;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    public String of(Endpoint endpoint) {
        if (endpoint.protocol().hasPort()) {
            return endpoint.protocol().wireName() + "://" + domain + ":" + endpoint.port();
        }
        if (InternalUrl.isInternalHostname(endpoint.hostname())) {
            return "https://" + endpoint.hostname();
        }
        if (endpoint.protocol() == EndpointProtocol.HTTP) {
            int port = httpPort.getAsInt();
            return "http://" + endpoint.hostname() + (port == 80 ? "" : ":" + port);
        }
        int port = httpsPort.getAsInt();
        return endpoint.protocol().wireName() + "://" + endpoint.hostname() + (port == 443 ? "" : ":" + port);
    }
}
