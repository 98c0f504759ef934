package dev.burrow.testsupport.tools;

import dev.burrow.testsupport.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real ACME server offline: Debian's {@code pebble} on loopback, with {@code pebble-challtestsrv} as its DNS (every
 * name resolves to 127.0.0.1). Pebble's own HTTPS certificate is made here with openssl (the package ships none); it
 * validates HTTP-01 on {@code validationHttpPort}, at once ({@code PEBBLE_VA_NOSLEEP}), and accepts every nonce.
 * Both processes are stopped by PID on {@link #close()}.
 */
public final class PebbleServer implements AutoCloseable {
    private final Path dir;
    private final ToolProcess dns;
    private final int dnsPort;
    private final int dnsManagementPort;
    private final int acmePort;
    private final int managementPort;
    private ToolProcess pebble;
    private Duration certificateValidity;

    private PebbleServer(Path dir, ToolProcess dns, int dnsPort, int dnsManagementPort) {
        this.dir = dir;
        this.dns = dns;
        this.dnsPort = dnsPort;
        this.dnsManagementPort = dnsManagementPort;
        this.acmePort = FreePorts.closedPort();
        this.managementPort = FreePorts.closedPort();
    }

    /** Starts the DNS and pebble in {@code dir}; pebble validates HTTP-01 and TLS-ALPN-01 at these loopback ports. */
    public static PebbleServer start(Path dir, int validationHttpPort, int validationTlsPort) {
        return prepare(dir).startPebble(validationHttpPort, validationTlsPort);
    }

    /**
     * Makes pebble's certificate, picks its ports and starts its DNS, so that its {@link #directoryUrl()} is known
     * before the edges it validates start; {@link #startPebble} then starts it.
     */
    public static PebbleServer prepare(Path dir) {
        Tools.assumeInstalled("pebble", "pebble-challtestsrv", "openssl", "curl");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClientRun cert = ClientRun.run(List.of(Tools.require("openssl").toString(), "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", dir.resolve("pebble-key.pem").toString(), "-out", dir.resolve("pebble-cert.pem").toString()),
                Duration.ofSeconds(20));
        if (cert.exitCode() != 0) {
            throw new AssertionError("openssl could not make pebble's certificate: " + cert.describe());
        }
        int dnsPort = FreePorts.freeUdpAndTcpPort();
        int managementPort = FreePorts.closedPort();
        ToolProcess dns = ToolProcess.start("pebble-challtestsrv", List.of(Tools.require("pebble-challtestsrv").toString(),
                "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", "127.0.0.1:" + dnsPort, "-http01", "",
                "-https01", "", "-tlsalpn01", "", "-management", "127.0.0.1:" + managementPort), Map.of(), dir);
        dns.awaitListening(managementPort, Duration.ofSeconds(20));
        return new PebbleServer(dir, dns, dnsPort, managementPort);
    }

    /** Certificates pebble issues are valid this long (its {@code certificateValidityPeriod}; default 5 years). */
    public PebbleServer certificateValidity(Duration validity) {
        this.certificateValidity = validity;
        return this;
    }

    /** Starts pebble, validating HTTP-01 at 127.0.0.1:{@code validationHttpPort} and TLS-ALPN-01 at {@code validationTlsPort}. */
    public PebbleServer startPebble(int validationHttpPort, int validationTlsPort) {
        try {
            Path config = Files.writeString(dir.resolve("pebble-config.json"), """
                    {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                      "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                      "ocspResponderURL": "", "externalAccountBindingRequired": false%s}}
                    """.formatted(acmePort, managementPort, dir.resolve("pebble-cert.pem"), dir.resolve("pebble-key.pem"),
                    validationHttpPort, validationTlsPort, certificateValidity == null ? ""
                            : ", \"certificateValidityPeriod\": " + certificateValidity.toSeconds()));
            pebble = ToolProcess.start("pebble", List.of(Tools.require("pebble").toString(), "-config", config.toString(),
                    "-dnsserver", "127.0.0.1:" + dnsPort, "-strict=false"),
                    Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0"), dir);
            pebble.awaitListening(acmePort, Duration.ofSeconds(20));
            pebble.awaitListening(managementPort, Duration.ofSeconds(20));
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (AssertionError e) {
            close();
            throw e;
        }
    }

    /**
     * The management API of pebble's DNS ({@code pebble-challtestsrv}): {@code POST /set-txt {"host","value"}} and
     * {@code POST /clear-txt {"host"}} publish and remove the TXT records pebble looks up for DNS-01.
     */
    public String dnsManagementUrl() {
        return "http://127.0.0.1:" + dnsManagementPort;
    }

    /**
     * Makes pebble's DNS answer {@code host} (fully qualified, final dot included) with a CNAME to {@code target}
     * (challtestsrv's {@code POST /set-cname}); a TXT query for {@code host} is then answered with the CNAME and
     * {@code target}'s TXT records, as a recursive resolver would.
     */
    public void dnsCname(String host, String target) {
        ClientRun run = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "--fail", "--max-time", "10", "-X", "POST",
                "-d", "{\"host\":\"" + host + "\",\"target\":\"" + target + "\"}", dnsManagementUrl() + "/set-cname"),
                Duration.ofSeconds(20));
        if (run.exitCode() != 0) {
            throw new AssertionError("cannot set the CNAME " + host + " -> " + target + ": " + run.describe());
        }
    }

    /** Where pebble's DNS ({@code pebble-challtestsrv}) answers queries, over UDP and TCP: {@code 127.0.0.1:PORT}. */
    public String dnsAddress() {
        return "127.0.0.1:" + dnsPort;
    }

    /** The ACME directory URL. */
    public String directoryUrl() {
        return "https://127.0.0.1:" + acmePort + "/dir";
    }

    /** The certificate pebble's own HTTPS listeners present (self-signed): what an ACME client must trust. */
    public Path serverCertificate() {
        return dir.resolve("pebble-cert.pem");
    }

    /** Fetches the root that pebble issues under (generated at each start) from its management API, as a PEM file. */
    public Path issuingRoot() {
        Path root = dir.resolve("pebble-root.pem");
        ClientRun run = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "--fail", "--max-time", "10",
                "--cacert", serverCertificate().toString(), "-o", root.toString(),
                "https://127.0.0.1:" + managementPort + "/roots/0"), Duration.ofSeconds(20));
        if (run.exitCode() != 0) {
            throw new AssertionError("cannot fetch pebble's root: " + run.describe());
        }
        return root;
    }

    /** True when the handshake's certificate was issued by pebble (its intermediate CA), not by the edge's dev CA. */
    public static boolean issued(OpenSslClient.Handshake handshake) {
        return handshake.issuer() != null && handshake.issuer().contains("Pebble Intermediate CA");
    }

    /** Orders pebble has been sent, counted from its log. */
    public long orders() {
        return pebble.outputText().lines().filter(line -> line.contains("POST /order-plz")).count();
    }

    public ToolProcess process() {
        return pebble;
    }

    @Override
    public void close() {
        if (pebble != null) {
            pebble.close();
        }
        dns.close();
    }
}
