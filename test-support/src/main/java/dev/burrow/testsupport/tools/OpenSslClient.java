package dev.burrow.testsupport.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl s_client}: one TLS handshake with 127.0.0.1:PORT, with or without SNI, and what the server presented
 * (subject, issuer, protocol) or why it failed. stdin is empty, so the client closes right after the handshake.
 */
public final class OpenSslClient {
    private static final Pattern SUBJECT = Pattern.compile("(?m)^subject=(.*)$");
    private static final Pattern ISSUER = Pattern.compile("(?m)^issuer=(.*)$");
    private static final Pattern PROTOCOL = Pattern.compile("(?m)^New, (TLSv1\\.[0-3]), Cipher is ");

    /** What one handshake showed; {@code subject} is null when no certificate came. */
    public record Handshake(ClientRun run, String subject, String issuer, String protocol) {
        public boolean completed() {
            return subject != null && protocol != null;
        }

        /** Completed, and the client verified the server's chain against the CA it was given ({@link #verifying}). */
        public boolean verified() {
            return completed() && run.stdout().contains("Verify return code: 0 (ok)");
        }
    }

    private OpenSslClient() {
    }

    /** A handshake naming {@code serverName} in the SNI, or none when it is null. */
    public static Handshake handshake(int port, String serverName, String... extraArgs) {
        return handshake("127.0.0.1", port, serverName, extraArgs);
    }

    /** A handshake naming {@code serverName} that trusts only {@code caFile} and fails on a chain it cannot verify. */
    public static Handshake verifying(int port, String serverName, java.nio.file.Path caFile) {
        return handshake(port, serverName, "-CAfile", caFile.toString(), "-verify_return_error");
    }

    /** A handshake with {@code address:port} naming {@code serverName} in the SNI, or none when it is null. */
    public static Handshake handshake(String address, int port, String serverName, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(Tools.require("openssl").toString(), "s_client",
                "-connect", address + ":" + port));
        if (serverName == null) {
            command.add("-noservername");
        } else {
            command.add("-servername");
            command.add(serverName);
        }
        command.addAll(List.of(extraArgs));
        ClientRun run = ClientRun.run(List.of("bash", "-c", shellQuote(command) + " </dev/null"), Duration.ofSeconds(15));
        return new Handshake(run, group(SUBJECT, run.stdout()), group(ISSUER, run.stdout()), group(PROTOCOL, run.stdout()));
    }

    /** The leaf certificate the handshake showed, as PEM; null when none came. */
    public static String leafPem(Handshake handshake) {
        String out = handshake.run().stdout() == null ? "" : handshake.run().stdout();
        int begin = out.indexOf("-----BEGIN CERTIFICATE-----");
        String end = "-----END CERTIFICATE-----";
        return begin < 0 ? null : out.substring(begin, out.indexOf(end, begin) + end.length()) + "\n";
    }

    /** {@code openssl x509 -noout -serial -ext subjectAltName} of the handshake's leaf: {@code serial=…} and its DNS names. */
    public static String leafFields(Handshake handshake) {
        String pem = leafPem(handshake);
        if (pem == null) {
            throw new AssertionError("no certificate in the handshake: " + handshake.run().describe());
        }
        ClientRun run = ClientRun.run(List.of("bash", "-c", "printf '%s' " + shellQuote(List.of(pem)) + " | "
                + shellQuote(List.of(Tools.require("openssl").toString(), "x509", "-noout", "-serial", "-ext", "subjectAltName"))),
                Duration.ofSeconds(15));
        if (run.exitCode() != 0) {
            throw new AssertionError("openssl x509 could not read the leaf: " + run.describe());
        }
        return run.stdout();
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text == null ? "" : text);
        return m.find() ? m.group(1).trim() : null;
    }

    static String shellQuote(List<String> command) {
        StringBuilder line = new StringBuilder();
        for (String part : command) {
            line.append(line.length() == 0 ? "" : " ").append("'").append(part.replace("'", "'\\''")).append("'");
        }
        return line.toString();
    }
}
