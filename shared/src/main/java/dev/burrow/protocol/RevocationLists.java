package dev.burrow.protocol;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * The certificate revocation lists (CRLs) of mutual TLS ({@link ClientCertificates#revocationLists()}): read by the
 * JDK's X.509 factory from PEM ({@code -----BEGIN X509 CRL-----}, one or more) or DER, and checked where they are
 * given (the agent's {@code --mutual-tls-crls}, the edge's bind, a policy's {@code mutual_tls_crls}). Refusals are one
 * sentence, naming the CRL by its issuer; the caller puts the setting's name before it.
 */
public final class RevocationLists {
    /** The delta CRL indicator (RFC 5280 5.2.4): a delta lists only changes since a base CRL. */
    private static final String DELTA_CRL_INDICATOR = "2.5.29.27";

    private RevocationLists() {
    }

    /** Every CRL in {@code data} (PEM or DER); a sentence when there is none or one cannot be read. */
    public static List<X509CRL> read(byte[] data) {
        boolean der = data.length > 0 && data[0] == 0x30;
        if (!der && !new String(data, StandardCharsets.ISO_8859_1).contains("-----BEGIN ")) {
            throw new IllegalArgumentException("no CRL in it (PEM -----BEGIN X509 CRL----- or DER)");
        }
        Collection<? extends CRL> crls;
        try {
            crls = CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(data));
        } catch (CRLException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("not a readable CRL (PEM -----BEGIN X509 CRL----- or DER): " + e.getMessage(), e);
        }
        if (crls.isEmpty()) {
            throw new IllegalArgumentException("no CRL in it (PEM -----BEGIN X509 CRL----- or DER)");
        }
        List<X509CRL> read = new ArrayList<>(crls.size());
        for (CRL crl : crls) {
            read.add((X509CRL) crl);
        }
        return read;
    }

    /** As {@link #read(byte[])}, from the PEM text a bind or a policy carries. */
    public static List<X509CRL> read(String pem) {
        return read(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** The CRLs as one PEM text, the form the bind and the registry carry (a DER file is sent as this). */
    public static String pem(List<X509CRL> crls) {
        StringBuilder pem = new StringBuilder();
        Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (X509CRL crl : crls) {
            try {
                pem.append("-----BEGIN X509 CRL-----\n").append(base64.encodeToString(crl.getEncoded()))
                        .append("\n-----END X509 CRL-----\n");
            } catch (CRLException e) {
                throw new IllegalArgumentException(name(crl) + " cannot be encoded again: " + e.getMessage(), e);
            }
        }
        return pem.toString();
    }

    /**
     * Why these CRLs cannot be applied with the CAs in {@code casPem}, or null when they can: each must be signed by one
     * of the CAs (its issuer's name and key), be a full CRL (not a delta) without critical extensions the JDK does not
     * know, and, when {@code now} is given, not be past its nextUpdate. A policy is checked without {@code now} when it
     * compiles (a node that learns it later must still compile it) and with it at bind and at a policy update.
     */
    public static String problem(List<X509CRL> crls, String casPem, Instant now) {
        List<X509Certificate> cas = certificates(casPem);
        for (X509CRL crl : crls) {
            String problem = signatureProblem(crl, cas);
            if (problem == null && crl.getExtensionValue(DELTA_CRL_INDICATOR) != null) {
                problem = name(crl) + " is a delta CRL; give the full CRL (delta CRLs are not applied)";
            }
            if (problem == null && crl.hasUnsupportedCriticalExtension()) {
                problem = name(crl) + " has a critical extension that cannot be applied: " + crl.getCriticalExtensionOIDs();
            }
            if (problem == null && now != null && expired(crl, now)) {
                problem = name(crl) + " expired at " + crl.getNextUpdate().toInstant() + " (its nextUpdate); give a fresh one";
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * As {@link #problem(List, String, Instant)} for the PEM text a bind or a registry record carries: also a sentence
     * when it cannot be read, or when there are no CAs to check it against.
     */
    public static String problem(String crlsPem, String casPem, Instant now) {
        if (casPem == null) {
            return "needs the mutual TLS CAs (the CRLs are checked against them)";
        }
        try {
            return problem(read(crlsPem), casPem, now);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Whether the CRL is past its nextUpdate (one without a nextUpdate never is). */
    public static boolean expired(X509CRL crl, Instant now) {
        return crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(now);
    }

    /** How a refusal names a CRL: {@code the CRL of CN=...}. */
    public static String name(X509CRL crl) {
        return "the CRL of " + crl.getIssuerX500Principal().getName();
    }

    private static String signatureProblem(X509CRL crl, List<X509Certificate> cas) {
        boolean named = false;
        for (X509Certificate ca : cas) {
            if (ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                named = true;
                try {
                    crl.verify(ca.getPublicKey());
                    return null;
                } catch (GeneralSecurityException | RuntimeException e) {
                    // another CA of the same name may hold the key
                }
            }
        }
        return name(crl) + (named ? " is not signed by that CA's key" : " is not from any of the mutual TLS CAs")
                + "; give the CRLs of those CAs only";
    }

    private static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> cas = new ArrayList<>();
        if (pem == null) {
            return cas;
        }
        try {
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                cas.add((X509Certificate) certificate);
            }
        } catch (CertificateException | RuntimeException e) {
            // no CA can be read: every CRL is then "not from any of the mutual TLS CAs"
        }
        return cas;
    }
}
