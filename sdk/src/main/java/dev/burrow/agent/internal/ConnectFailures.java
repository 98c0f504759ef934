package dev.burrow.agent.internal;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.BurrowException.Reason;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;

/** Turns the exceptions of a failed connection to the edge into a {@link BurrowException} with a short reason. */
public final class ConnectFailures {
    private ConnectFailures() {
    }

    public static BurrowException classify(Throwable failure, String edgeAddress) {
        if (failure instanceof BurrowException known) {
            return known;
        }
        if (isUntrustedCertificate(failure)) {
            return new BurrowException(Reason.EDGE_UNTRUSTED, null,
                    "the edge's TLS certificate is not trusted (" + untrustedDetail(failure, edgeAddress) + ")", failure);
        }
        return new BurrowException(Reason.EDGE_UNREACHABLE, null, reachabilityReason(failure), failure);
    }

    /** True when the chain shows a certificate the trust store does not accept or that names another host. */
    static boolean isUntrustedCertificate(Throwable failure) {
        boolean handshake = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                handshake = true;
            }
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return true;
            }
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (handshake && (message.contains("certification path") || message.contains("certificate_unknown")
                    || message.contains("subject alternative name") || message.contains("unable to find valid"))) {
                return true;
            }
        }
        return false;
    }

    private static String untrustedDetail(Throwable failure, String edgeAddress) {
        String root = rootMessage(failure).toLowerCase(Locale.ROOT);
        if (root.contains("subject alternative name") || root.contains("hostname") || root.contains("doesn't match")) {
            return "it is not issued for " + edgeAddress.substring(0, edgeAddress.lastIndexOf(':'));
        }
        if (root.contains("expired") || root.contains("not yet valid")) {
            return "it is expired or not yet valid";
        }
        return "it is not signed by a trusted CA";
    }

    /** A few words on why the edge could not be reached, for "Cannot reach the edge at X (reason)". */
    static String reachabilityReason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String simpleName = t.getClass().getSimpleName();
            if (simpleName.equals("ConnectTimeoutException")) {
                return "connection timed out";
            }
            if (t instanceof ConnectException) {
                String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                return message.contains("refused") ? "connection refused" : "cannot connect: " + shortMessage(t);
            }
            if (t instanceof UnknownHostException) {
                return "cannot resolve host name " + shortMessage(t);
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SSLException) {
                return "TLS handshake failed: " + rootMessage(t);
            }
            if (simpleName.contains("Timeout")) {
                return "timed out: " + shortMessage(t);
            }
        }
        return shortMessage(failure);
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return shortMessage(root);
    }

    private static String shortMessage(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
