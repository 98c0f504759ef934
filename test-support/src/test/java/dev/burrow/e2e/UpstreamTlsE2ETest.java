package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TestCertificates;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.OpenSslServer;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code burrow http https://localhost:PORT} in front of an HTTPS upstream whose certificate comes from a private CA
 * ({@code openssl s_server}): by default the agent refuses it and the visitor's 502 says which flag to use;
 * {@code --upstream-tls-verify-cas CA.pem} trusts that CA; {@code --upstream-tls-verify=false} accepts any certificate.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpstreamTlsE2ETest {
    private TestCertificates.OperatorPki pki;
    private OpenSslServer upstream;
    private EdgeProcess edge;
    private final List<AgentProcess> agents = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("curl", "openssl");
        pki = TestCertificates.writeOperatorPki(Files.createTempDirectory("burrow-upstream-tls-").resolve("pki"),
                List.of("localhost", "127.0.0.1"));
        upstream = OpenSslServer.start(pki.chain(), pki.key());
        edge = EdgeProcess.builder().name("edge-upstream-tls").start();
    }

    @AfterAll
    void stop() {
        agents.forEach(Closeables::closeAll);
        Closeables.closeAll(edge, upstream);
    }

    @Test
    void anUntrustedUpstreamCertificateIsA502ThatNamesTheFlags() {
        agent("strict");
        ClientRun run = get("strict");
        assertTrue(run.stdout().startsWith("HTTP/1.1 502 "), run.describe());
        assertTrue(run.stdout().contains("--upstream-tls-verify-cas"), run.describe());
    }

    @Test
    void thePrivateCaOfTheUpstreamCanBeTrusted() {
        agent("private-ca", "--upstream-tls-verify-cas", pki.caCert().toString());
        ClientRun run = get("private-ca");
        assertTrue(run.stdout().startsWith("HTTP/1.1 200 "), run.describe());
        assertTrue(run.stdout().contains("s_server"), run.describe());
    }

    @Test
    void verificationCanBeTurnedOff() {
        agent("no-verify", "--upstream-tls-verify=false");
        ClientRun run = get("no-verify");
        assertTrue(run.stdout().startsWith("HTTP/1.1 200 "), run.describe());
    }

    private void agent(String name, String... flags) {
        AgentProcess.Builder builder = AgentProcess.http(edge, "https://localhost:" + upstream.port()).name("agent-" + name).subdomain(name);
        if (flags.length > 0) {
            builder.arg(flags);
        }
        agents.add(builder.start());
    }

    private ClientRun get(String name) {
        return ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--max-time", "15",
                "-H", "Host: " + name + ".localhost", "http://127.0.0.1:" + edge.httpPort() + "/"), Duration.ofSeconds(25));
    }
}
