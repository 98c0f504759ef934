package dev.burrow.agent;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where an application starts with the SDK. The session creates and owns its Vert.x instance unless one is given
 * with {@link SessionBuilder#vertx}; every method returning a {@link io.vertx.core.Future} can be waited on from
 * plain Java threads with {@code await()}, which throws the failure ({@link BurrowException}) as it is.
 *
 * <pre>{@code
 * BurrowSession session = Burrow.withAuthtokenFromEnv().connect().await();
 * EndpointListener listener = session.tcpEndpoint().listen().await();
 * try (ServerSocket server = listener.serverSocket()) {
 *     Socket client = server.accept();            // a public connection, as a java.net.Socket
 *     ...
 * }
 * session.close().await();                        // the edge frees the endpoints' names at once
 * }</pre>
 */
public final class Burrow {
    /** The authtoken, as the {@code burrow} command reads it. */
    public static final String AUTHTOKEN_ENV = "BURROW_AUTHTOKEN";
    /** The edge's agent-link address, "host:port" (optional). */
    public static final String SERVER_ENV = "BURROW_SERVER";
    /** A PEM file with the CA to trust for the edge (optional; default: the system trust store). */
    public static final String EDGE_CA_ENV = "BURROW_EDGE_CA";

    private Burrow() {
    }

    /**
     * A session builder with the authtoken from {@value #AUTHTOKEN_ENV} and, when set, the edge address from
     * {@value #SERVER_ENV} and its CA from {@value #EDGE_CA_ENV}. Connecting fails with a sentence naming the
     * variable when no authtoken is set.
     */
    public static SessionBuilder withAuthtokenFromEnv() {
        return fromEnvironment(System.getenv());
    }

    /** A session builder with this authtoken (the edge address and CA from the environment as above). */
    public static SessionBuilder withAuthtoken(String authtoken) {
        return fromEnvironment(System.getenv()).authtoken(authtoken);
    }

    static SessionBuilder fromEnvironment(Map<String, String> env) {
        SessionBuilder builder = BurrowSession.builder().authtoken(blankToNull(env.get(AUTHTOKEN_ENV)));
        String server = blankToNull(env.get(SERVER_ENV));
        if (server != null) {
            builder.serverAddress(server);
        }
        String ca = blankToNull(env.get(EDGE_CA_ENV));
        if (ca != null) {
            builder.edgeCa(Path.of(ca));
        }
        return builder;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
