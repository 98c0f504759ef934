package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TlsTermination;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * The server side of {@code terminate-tls}: {@code min_version}/{@code max_version} and
 * {@code server_certificate}/{@code server_private_key}, read and checked when the policy compiles.
 */
final class TlsServerSettings {
    static final String MIN = "min_version";
    static final String MAX = "max_version";
    static final String CERTIFICATE = "server_certificate";
    static final String KEY = "server_private_key";

    private TlsServerSettings() {
    }

    /** The versions between {@code min_version} (default 1.2) and {@code max_version} (default 1.3). */
    static TlsTermination.TlsVersions versions(ActionConfig config) throws PolicyException {
        String min = version(config, MIN, "1.2");
        String max = version(config, MAX, "1.3");
        if (min.equals("1.3") && max.equals("1.2")) {
            throw config.problem(MIN, "1.3 is above max_version 1.2: no TLS version would be left");
        }
        return min.equals("1.3") ? TlsTermination.TlsVersions.TLS_1_3_ONLY
                : max.equals("1.2") ? TlsTermination.TlsVersions.TLS_1_2_ONLY : TlsTermination.TlsVersions.TLS_1_2_AND_1_3;
    }

    private static String version(ActionConfig config, String key, String fallback) throws PolicyException {
        String version = config.text(key, fallback).strip();
        if (version.equals("1.0") || version.equals("1.1")) {
            throw config.problem(key, "must be 1.2 or 1.3, not '" + version + "': Burrow does not serve TLS 1.0 or 1.1 "
                    + "(both are deprecated, RFC 8996)");
        }
        if (!version.equals("1.2") && !version.equals("1.3")) {
            throw config.problem(key, "must be 1.2 or 1.3, not '" + version + "'");
        }
        return version;
    }

    /**
     * The certificate and key the endpoint's name is served with, or null when neither is given. The chain must be
     * readable PEM certificates and the key a PEM private key; that the key matches, the dates and the names are checked
     * by the edge at bind, where the endpoint's name is known.
     */
    static TlsTermination.ServerCertificate certificate(ActionConfig config) throws PolicyException {
        boolean hasCertificate = config.has(CERTIFICATE);
        boolean hasKey = config.has(KEY);
        if (!hasCertificate && !hasKey) {
            return null;
        }
        if (!hasKey) {
            throw config.problem(CERTIFICATE, "needs server_private_key (the PEM text of the certificate's private key)");
        }
        if (!hasCertificate) {
            throw config.problem(KEY, "needs server_certificate (the PEM text of the certificate it belongs to)");
        }
        String chain = pem(config, CERTIFICATE, "CERTIFICATE");
        checkCertificates(config, chain);
        String key = pem(config, KEY, "PRIVATE KEY");
        return new TlsTermination.ServerCertificate(chain, key);
    }

    private static String pem(ActionConfig config, String key, String label) throws PolicyException {
        String text = config.text(key, null).strip();
        if (text.contains("${")) {
            throw config.problem(key, "${} is not supported here (the certificate is needed before any expression can "
                    + "run); write the PEM text itself");
        }
        if (!text.contains("-----BEGIN ") || !text.contains(label + "-----")) {
            throw config.problem(key, "must be PEM text (-----BEGIN " + label + "-----); ngrok's certificate ids are not "
                    + "supported by Burrow");
        }
        return text + "\n";
    }

    private static void checkCertificates(ActionConfig config, String pem) throws PolicyException {
        try {
            if (CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
                throw new CertificateException("no certificate");
            }
        } catch (CertificateException | RuntimeException e) {
            throw config.problem(CERTIFICATE, "not a readable PEM certificate chain (" + e.getMessage() + ")");
        }
    }
}
