package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TlsTermination;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.protocol.ClientCertificates;
import dev.burrow.protocol.RevocationLists;
import io.vertx.core.Future;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code terminate-tls} (on_tcp_connect): how the edge terminates an HTTPS endpoint's TLS, which is fixed before any
 * rule runs. Burrow honours the client certificate settings ({@code mutual_tls_certificate_authorities} as PEM text,
 * {@code mutual_tls_verification_strategy}, and Burrow's {@code mutual_tls_crls}: CRLs of those CAs as PEM text, read and
 * checked against the CAs here, their nextUpdate by the edge at bind and at a policy update), the TLS versions ({@code min_version}/{@code max_version}, 1.2 and 1.3) and
 * a server certificate given as PEM text ({@link TlsServerSettings}); TLS 1.0/1.1 and ngrok's hosted certificate and
 * CA ids are refused by name. By the time the phase runs the handshake has already enforced it, so running it only
 * lets the phase go on.
 */
public final class TerminateTlsAction implements Action {
    public static final String TYPE = "terminate-tls";
    static final String CAS = "mutual_tls_certificate_authorities";
    static final String STRATEGY = "mutual_tls_verification_strategy";
    static final String CRLS = "mutual_tls_crls";

    private final TlsTermination termination;

    private TerminateTlsAction(TlsTermination termination) {
        this.termination = termination;
    }

    static Action create(ActionConfig config) throws PolicyException {
        TlsTermination.TlsVersions versions = TlsServerSettings.versions(config);
        TlsTermination.ServerCertificate serverCertificate = TlsServerSettings.certificate(config);
        String cas = certificateAuthorities(config);
        List<X509CRL> crls = revocationLists(config);
        boolean strategyGiven = config.has(STRATEGY);
        String strategyKey = config.text(STRATEGY, ClientCertificates.Verification.REQUIRE_AND_VERIFY.key());
        ClientCertificates.Verification strategy = ClientCertificates.Verification.byKey(strategyKey);
        if (strategy == null) {
            throw config.problem(STRATEGY, "'" + strategyKey + "' is not one of require-and-verify, request, require-any");
        }
        config.finish();
        ClientCertificates clients = withRevocationLists(config, clientCertificates(config, cas, strategy, strategyGiven), crls);
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

    /**
     * The client certificates with {@code crls}, each checked to be a full CRL signed by one of their CAs; whether a CRL
     * is past its nextUpdate is the edge's to check at bind and at a policy update, never here (a node that learns the
     * policy later compiles it too, and a CRL that expires while bound is still applied: docs/https.md).
     */
    private static ClientCertificates withRevocationLists(ActionConfig config, ClientCertificates clients, List<X509CRL> crls)
            throws PolicyException {
        if (crls.isEmpty()) {
            return clients;
        }
        if (clients == null || clients.certificateAuthorities() == null) {
            throw config.problem(config.at(CRLS), CRLS + ": needs " + CAS + " (the CRLs are checked against those CAs; "
                    + "under require-any no CA is checked)");
        }
        String problem = RevocationLists.problem(crls, clients.certificateAuthorities(), null);
        if (problem != null) {
            throw config.problem(config.at(CRLS), CRLS + ": " + problem);
        }
        return new ClientCertificates(clients.certificateAuthorities(), clients.verification(), RevocationLists.pem(crls));
    }

    /** Every CRL of every item (each PEM text, one or more CRLs); empty when none are given. */
    private static List<X509CRL> revocationLists(ActionConfig config) throws PolicyException {
        List<X509CRL> crls = new ArrayList<>();
        for (DocumentNode item : config.items(CRLS, false)) {
            String pem = item.kind() == DocumentNode.Kind.SCALAR ? String.valueOf(item.scalar()) : "";
            if (pem.contains("${")) {
                throw config.problem(item, CRLS + ": ${} is not supported here (the CRLs are needed before any "
                        + "expression can run); write the PEM text itself");
            }
            try {
                crls.addAll(RevocationLists.read(pem));
            } catch (IllegalArgumentException e) {
                throw config.problem(item, CRLS + ": " + e.getMessage());
            }
        }
        return crls;
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
