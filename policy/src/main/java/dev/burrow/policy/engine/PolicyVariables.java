package dev.burrow.policy.engine;

import dev.burrow.policy.ConnectionFacts;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every variable an expression may name, defined once: its CEL type (checked when the policy is compiled), the phases
 * in which it exists, and how its value is read from an {@link EvaluationContext}. Values are computed when an
 * expression reads them, never before.
 */
public final class PolicyVariables {
    static final CelType STRINGS = ListType.create(SimpleType.STRING);
    static final CelType HEADERS = MapType.create(SimpleType.STRING, STRINGS);
    private static final CelType COOKIES = MapType.create(SimpleType.STRING,
            ListType.create(MapType.create(SimpleType.STRING, SimpleType.STRING)));
    private static final CelType DYN_MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);
    private static final Set<Phase> ALL = EnumSet.allOf(Phase.class);
    private static final Set<Phase> HTTP = EnumSet.of(Phase.REQUEST, Phase.RESPONSE);
    private static final Set<Phase> RESPONSE = EnumSet.of(Phase.RESPONSE);

    /** One variable: name as written in expressions, type, where it exists, how to read it. */
    public record Variable(String name, CelType type, Set<Phase> phases, Function<EvaluationContext, Object> read) {
    }

    private static final Map<String, Variable> VARIABLES = new LinkedHashMap<>();

    static {
        define("conn.client_ip", SimpleType.STRING, ALL, c -> text(c.connection().clientIp()));
        define("conn.client_port", SimpleType.INT, ALL, c -> (long) c.connection().clientPort());
        define("conn.server_port", SimpleType.INT, ALL, c -> (long) c.connection().serverPort());
        define("conn.tls.version", SimpleType.STRING, ALL, c -> tls(c, ConnectionFacts.TlsFacts::version));
        define("conn.tls.cipher_suite", SimpleType.STRING, ALL, c -> tls(c, ConnectionFacts.TlsFacts::cipherSuite));
        define("conn.tls.server_name", SimpleType.STRING, ALL, c -> tls(c, ConnectionFacts.TlsFacts::serverName));
        define("conn.tls.client_cert.subject", SimpleType.STRING, ALL,
                c -> tls(c, ConnectionFacts.TlsFacts::clientCertificateSubject));
        define("conn.tls.client.subject", SimpleType.STRING, ALL, c -> client(c, ConnectionFacts.ClientCertificate::subject));
        define("conn.tls.client.subject.common_name", SimpleType.STRING, ALL,
                c -> client(c, ConnectionFacts.ClientCertificate::subjectCommonName));
        define("conn.tls.client.issuer", SimpleType.STRING, ALL, c -> client(c, ConnectionFacts.ClientCertificate::issuer));
        define("conn.tls.client.issuer.common_name", SimpleType.STRING, ALL,
                c -> client(c, ConnectionFacts.ClientCertificate::issuerCommonName));
        define("conn.tls.client.serial_number", SimpleType.STRING, ALL,
                c -> client(c, ConnectionFacts.ClientCertificate::serialNumber));
        define("conn.tls.client.fingerprint.sha256", SimpleType.STRING, ALL,
                c -> client(c, ConnectionFacts.ClientCertificate::sha256Fingerprint));
        define("conn.tls.client.san.dns", STRINGS, ALL, c -> clientNames(c, ConnectionFacts.ClientCertificate::sanDnsNames));
        define("conn.tls.client.san.email", STRINGS, ALL,
                c -> clientNames(c, ConnectionFacts.ClientCertificate::sanEmailAddresses));
        define("endpoint.id", SimpleType.STRING, ALL, c -> endpoint(c, ConnectionFacts.EndpointFacts::id));
        define("endpoint.url", SimpleType.STRING, ALL, c -> endpoint(c, ConnectionFacts.EndpointFacts::url));
        define("endpoint.protocol", SimpleType.STRING, ALL, c -> endpoint(c, ConnectionFacts.EndpointFacts::protocol));
        define("time.now", SimpleType.TIMESTAMP, ALL, EvaluationContext::now);
        define("vars", DYN_MAP, ALL, EvaluationContext::vars);
        define("actions", DYN_MAP, ALL, EvaluationContext::actionResults);

        define("req.method", SimpleType.STRING, HTTP, c -> c.request().method());
        define("req.url", SimpleType.STRING, HTTP, c -> RequestViews.url(c.request()));
        define("req.url.path", SimpleType.STRING, HTTP, c -> PathNormaliser.normalise(c.request().path()));
        define("req.url.raw_path", SimpleType.STRING, HTTP, c -> c.request().path());
        define("req.url.query", SimpleType.STRING, HTTP, c -> text(c.request().query()));
        define("req.url.query_params", HEADERS, HTTP, c -> RequestViews.queryParams(c.request().query()));
        define("req.url.host", SimpleType.STRING, HTTP, c -> RequestViews.hostWithoutPort(c.request().host()));
        define("req.url.scheme", SimpleType.STRING, HTTP, c -> text(c.request().scheme()));
        define("req.url.raw", SimpleType.STRING, HTTP, c -> c.request().target());
        define("req.host", SimpleType.STRING, HTTP, c -> text(c.request().host()));
        define("req.headers", HEADERS, HTTP, c -> RequestViews.headers(c.request().headers()));
        define("req.cookies", COOKIES, HTTP, c -> RequestViews.cookies(c.request().headers()));
        define("req.content_length", SimpleType.INT, HTTP, c -> c.request().contentLength());
        define("req.content_type", SimpleType.STRING, HTTP, c -> text(c.request().header("content-type")));
        define("req.user_agent", SimpleType.STRING, HTTP, c -> text(c.request().header("user-agent")));
        define("req.user_agent.raw", SimpleType.STRING, HTTP, c -> text(c.request().header("user-agent")));

        define("res.status_code", SimpleType.INT, RESPONSE, c -> (long) c.response().status());
        define("res.headers", HEADERS, RESPONSE, c -> RequestViews.headers(c.response().headers()));
        define("res.content_type", SimpleType.STRING, RESPONSE, c -> text(c.response().header("content-type")));
        define("res.content_length", SimpleType.INT, RESPONSE,
                c -> RequestViews.contentLength(c.response().header("content-length")));
    }

    private PolicyVariables() {
    }

    private static void define(String name, CelType type, Set<Phase> phases, Function<EvaluationContext, Object> read) {
        VARIABLES.put(name, new Variable(name, type, phases, read));
    }

    public static Variable byName(String name) {
        return VARIABLES.get(name);
    }

    public static List<Variable> all() {
        return List.copyOf(VARIABLES.values());
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String tls(EvaluationContext context, Function<ConnectionFacts.TlsFacts, String> field) {
        ConnectionFacts.TlsFacts tls = context.connection().tls();
        return tls == null ? "" : text(field.apply(tls));
    }

    private static String client(EvaluationContext context, Function<ConnectionFacts.ClientCertificate, String> field) {
        ConnectionFacts.TlsFacts tls = context.connection().tls();
        return tls == null || tls.client() == null ? "" : text(field.apply(tls.client()));
    }

    private static List<String> clientNames(EvaluationContext context,
                                            Function<ConnectionFacts.ClientCertificate, List<String>> field) {
        ConnectionFacts.TlsFacts tls = context.connection().tls();
        return tls == null || tls.client() == null ? List.of() : field.apply(tls.client());
    }

    private static String endpoint(EvaluationContext context, Function<ConnectionFacts.EndpointFacts, String> field) {
        ConnectionFacts.EndpointFacts endpoint = context.connection().endpoint();
        return endpoint == null ? "" : text(field.apply(endpoint));
    }
}
