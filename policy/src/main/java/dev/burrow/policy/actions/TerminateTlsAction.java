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
 * {@code mutual_tls_verification_strategy}), the TLS versions ({@code min_version}/{@code max_version}, 1.2 and 1.3) and
 * a server certificate given as PEM text ({@link TlsServerSettings}); TLS 1.0/1.1 and ngrok's hosted certificate and
 * CA ids are refused by name. By the time the phase runs the handshake has already enforced it, so running it only
 * lets the phase go on.
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
        TlsTermination.TlsVersions versions = TlsServerSettings.versions(config);
        TlsTermination.ServerCertificate serverCertificate = TlsServerSettings.certificate(config);
        String cas = certificateAuthorities(config);
        boolean strategyGiven = config.has(STRATEGY);
        String strategyKey = config.text(STRATEGY, ClientCertificates.Verification.REQUIRE_AND_VERIFY.key());
        ClientCertificates.Verification strategy = ClientCertificates.Verification.byKey(strategyKey);
        if (strategy == null) {
            throw config.problem(STRATEGY, "'" + strategyKey + "' is not one of require-and-verify, request, require-any");
        }
        config.finish();
        ClientCertificates clients = clientCertificates(config, cas, strategy, strategyGiven);
        DocumentNode at = config.at(serverCertificate != null && cas == null ? TlsServerSettings.CERTIFICATE : CAS);
        return new TerminateTlsAction(new TlsTermination(clients, versions, serverCertificate,
                config.expressions().source().name(), at.line(), at.column()));
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
