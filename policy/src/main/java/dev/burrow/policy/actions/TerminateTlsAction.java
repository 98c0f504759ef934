package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TlsTermination;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.protocol.ClientCertificates;
import io.vertx.core.Future;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * {@code terminate-tls} (on_tcp_connect): how the edge terminates an HTTPS endpoint's TLS, which is fixed before any
 * rule runs. Burrow honours the client certificate settings ({@code mutual_tls_certificate_authorities} as PEM text,
 * {@code mutual_tls_verification_strategy}) and ngrok's default versions; a custom server certificate, other TLS
 * versions and ngrok's hosted CA ids are refused by name. By the time the phase runs the handshake has already
 * enforced it, so running it only lets the phase go on.
 */
public final class TerminateTlsAction implements Action {
    public static final String TYPE = "terminate-tls";
    static final String CAS = "mutual_tls_certificate_authorities";
    static final String STRATEGY = "mutual_tls_verification_strategy";

    private final TlsTermination termination;

    private TerminateTlsAction(TlsTermination termination) {
        this.termination = termination;
    }

    static Action create(ActionConfig config) throws PolicyException {
        refuseServerCertificate(config, "server_certificate");
        refuseServerCertificate(config, "server_private_key");
        version(config, "min_version", "1.2");
        version(config, "max_version", "1.3");
        String cas = certificateAuthorities(config);
        boolean strategyGiven = config.has(STRATEGY);
        String strategyKey = config.text(STRATEGY, ClientCertificates.Verification.REQUIRE_AND_VERIFY.key());
        ClientCertificates.Verification strategy = ClientCertificates.Verification.byKey(strategyKey);
        if (strategy == null) {
            throw config.problem(STRATEGY, "'" + strategyKey + "' is not one of require-and-verify, request, require-any");
        }
        config.finish();
        ClientCertificates clients = clientCertificates(config, cas, strategy, strategyGiven);
        DocumentNode at = config.at(CAS);
        return new TerminateTlsAction(new TlsTermination(clients, config.expressions().source().name(), at.line(), at.column()));
    }

    private static ClientCertificates clientCertificates(ActionConfig config, String cas,
                                                         ClientCertificates.Verification strategy, boolean strategyGiven)
            throws PolicyException {
        if (strategy == ClientCertificates.Verification.REQUIRE_ANY) {
            if (cas != null) {
                throw config.problem(CAS, "is not checked under require-any (any client certificate is accepted); "
                        + "remove it, or use require-and-verify to accept only certificates from these CAs");
            }
            return new ClientCertificates(null, strategy);
        }
        if (cas == null) {
            if (strategyGiven) {
                throw config.problem(STRATEGY, strategy.key() + " needs " + CAS + " (PEM text of the CAs to verify against)");
            }
            return null;
        }
        return new ClientCertificates(cas, strategy);
    }

    private static void refuseServerCertificate(ActionConfig config, String key) throws PolicyException {
        if (config.has(key)) {
            throw config.problem(key, "is not supported by Burrow: the edge serves each name with the certificate of its "
                    + "own sources (--https-certs, ACME, the dev CA; docs/https.md)");
        }
    }

    /** ngrok's versions are 1.2 and 1.3; Burrow serves both on every name, so only the defaults are honoured. */
    private static void version(ActionConfig config, String key, String only) throws PolicyException {
        String version = config.text(key, only).strip();
        if (!version.equals("1.2") && !version.equals("1.3")) {
            throw config.problem(key, "must be 1.2 or 1.3, not '" + version + "'");
        }
        if (!version.equals(only)) {
            throw config.problem(key, version + " is not supported by Burrow: every HTTPS name accepts TLS 1.2 and 1.3 "
                    + "(leave " + key + " out, or write " + only + ")");
        }
    }

    /** The CAs as one PEM bundle, each item checked to hold certificates; null when none are given. */
    private static String certificateAuthorities(ActionConfig config) throws PolicyException {
        List<DocumentNode> items = config.items(CAS, false);
        if (items.isEmpty()) {
            return null;
        }
        StringBuilder bundle = new StringBuilder();
        for (DocumentNode item : items) {
            String pem = item.kind() == DocumentNode.Kind.SCALAR ? String.valueOf(item.scalar()) : "";
            if (pem.contains("${")) {
                throw config.problem(item, CAS + ": ${} is not supported here (the CAs are needed before any "
                        + "expression can run); write the PEM text itself");
            }
            if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
                throw config.problem(item, CAS + " items must be PEM certificates (-----BEGIN CERTIFICATE-----); "
                        + "ngrok's certificate authority ids are not supported by Burrow");
            }
            checkParses(config, item, pem);
            bundle.append(pem.strip()).append('\n');
        }
        return bundle.toString();
    }

    private static void checkParses(ActionConfig config, DocumentNode item, String pem) throws PolicyException {
        try {
            if (CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
                throw new CertificateException("no certificate");
            }
        } catch (CertificateException | RuntimeException e) {
            throw config.problem(item, CAS + ": not a readable PEM certificate (" + e.getMessage() + ")");
        }
    }

    /** What the edge's handshake enforces. */
    public TlsTermination termination() {
        return termination;
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        return Outcomes.PROCEED;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
