package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.OpenSslClient;
import dev.burrow.testsupport.tools.PebbleServer;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wildcard certificate through DNS-01 against real pebble, whose DNS is {@code pebble-challtestsrv}: the edge's DNS
 * hook is a shell script that sets and clears the TXT record through challtestsrv's management API with curl. A hook
 * that fails or hangs gives a clear error, no certificate, and no process left behind; a working one gets
 * {@code *.DOMAIN}, which then serves every endpoint under the domain from one order.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AcmeDns01E2ETest {
    private static final String DOMAIN = "dns01.test";
    private static final String HOOK_TIMEOUT = "3s";

    private Path tmp;
    private Path hookDir;
    private PebbleServer pebble;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess agent;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("pebble", "pebble-challtestsrv", "curl", "openssl");
        tmp = Files.createTempDirectory("burrow-acme-dns01-");
        hookDir = Files.createDirectories(tmp.resolve("hook"));
        int httpPort = FreePorts.closedPort();
        int httpsPort = FreePorts.closedPort();
        pebble = PebbleServer.start(tmp.resolve("pebble"), httpPort, httpsPort);
        Path hook = writeHook(pebble.dnsManagementUrl());
        mode("fail");
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-dns01").domain(DOMAIN).httpPort(httpPort)
                .arg("--https-port", Integer.toString(httpsPort), "--acme-directory", pebble.directoryUrl(),
                        "--acme-directory-ca", pebble.serverCertificate().toString(),
                        "--acme-dns-hook-command", hook.toString(), "--acme-dns-hook-timeout", HOOK_TIMEOUT)
                .start();
        Path config = Files.writeString(tmp.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: web
                    url: web.%1$s
                    upstream: %2$s
                  - name: shop
                    url: shop.%1$s
                    upstream: %2$s
                """.formatted(DOMAIN, upstream.httpAddress()));
        agent = AgentProcess.startAll(edge).name("agent-dns01").arg("--config", config.toString()).start();
        awaitEndpointsOnline();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(agent, edge, upstream, pebble);
        if (tmp != null) {
            TempDirs.deleteRecursively(tmp);
        }
    }

    @Test
    @Order(1)
    void aHookThatFailsGivesItsOwnWordsAndNoCertificate() throws IOException {
        int logFrom = edge.process().outputSize();
        OpenSslClient.Handshake first = OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN);
        assertTrue(first.completed() && !PebbleServer.issued(first), "the dev certificate meanwhile: " + first.run().describe());
        String refusal = edge.process().awaitLine(line -> line.text().contains("acme: no certificate for *." + DOMAIN),
                logFrom, Duration.ofSeconds(30), "the hook's failure in the edge log").text();
        assertTrue(refusal.contains("set _acme-challenge." + DOMAIN + ". exited with status 3: provider refused: no zone for "
                + DOMAIN), refusal);
        assertTrue(hookCalls().stream().anyMatch(call -> call.startsWith("clear " + DOMAIN + " _acme-challenge." + DOMAIN + ".")),
                "a failed set is cleared too: " + hookCalls());
        assertFalse(PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN)));
    }

    @Test
    @Order(2)
    void aHookThatHangsIsKilledAtItsTimeoutWithWhatItStarted() throws IOException {
        mode("hang");
        Files.deleteIfExists(hookDir.resolve("calls.log"));
        restartEdge();
        int logFrom = edge.process().outputSize();
        long started = System.nanoTime();
        OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN);
        String refusal = edge.process().awaitLine(line -> line.text().contains("acme: no certificate for *." + DOMAIN),
                logFrom, Duration.ofSeconds(30), "the hook's timeout in the edge log").text();
        long refusedAfter = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("DNS-01: a hanging hook was refused %d ms after the first handshake (hook timeout %s)%n", refusedAfter,
                HOOK_TIMEOUT);
        assertTrue(refusal.contains("did not finish within 3000 ms and was killed"), refusal);
        for (String pidFile : List.of("hook.pid", "sleep.pid")) {
            long pid = Long.parseLong(Files.readString(hookDir.resolve(pidFile)).trim());
            Await.until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(5),
                    Duration.ofMillis(50), () -> "the hook's process " + pid + " (" + pidFile + ") still runs");
        }
        assertTrue(hookCalls().stream().anyMatch(call -> call.startsWith("clear ")), "a timed-out set is cleared: " + hookCalls());
    }

    @Test
    @Order(3)
    void aWorkingHookGetsOneWildcardThatServesEveryNameUnderTheDomain() throws IOException {
        mode("ok");
        Files.deleteIfExists(hookDir.resolve("calls.log"));
        restartEdge();
        long ordersBefore = pebble.orders();
        long started = System.nanoTime();
        OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN);
        Await.until(() -> PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN)), Duration.ofSeconds(40),
                Duration.ofMillis(200), () -> "no pebble certificate for web." + DOMAIN + "\n" + edge.process().tail(20));
        System.out.printf("DNS-01: wildcard served %d ms after the first handshake%n", (System.nanoTime() - started) / 1_000_000);
        OpenSslClient.Handshake web = OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN);
        String fields = OpenSslClient.leafFields(web);
        assertTrue(fields.contains("DNS:*." + DOMAIN), "the served certificate covers *." + DOMAIN + ": " + fields);
        OpenSslClient.Handshake shop = OpenSslClient.handshake(edge.httpsPort(), "shop." + DOMAIN);
        assertEquals(OpenSslClient.leafPem(web), OpenSslClient.leafPem(shop), "one certificate for both names");
        Path root = pebble.issuingRoot();
        for (String name : List.of("web", "shop")) {
            ClientRun curl = curl(root, name + "." + DOMAIN);
            assertTrue(curl.exitCode() == 0 && curl.stdout().startsWith("HTTP/1.1 200"), curl.describe());
        }
        assertEquals(ordersBefore + 1, pebble.orders(), "one order covers both names:\n" + pebble.process().tail(20));
        List<String> calls = hookCalls();
        assertEquals(2, calls.size(), "one set, one clear: " + calls);
        assertTrue(calls.get(0).matches("set " + DOMAIN.replace(".", "\\.") + " _acme-challenge\\." + DOMAIN.replace(".", "\\.")
                + "\\. [A-Za-z0-9_-]{43}"), calls.get(0));
        assertTrue(calls.get(1).startsWith("clear " + DOMAIN + " _acme-challenge." + DOMAIN + ". "), calls.get(1));
        assertTrue(edge.process().outputText().contains("issued certificate for *." + DOMAIN), edge.process().tail(20));
    }

    private void restartEdge() {
        edge.restart();
        awaitEndpointsOnline();
    }

    /** A handshake before the agent's endpoints are back would find the name not eligible (and remember that). */
    private void awaitEndpointsOnline() {
        for (String name : List.of("web", "shop")) {
            Await.until(() -> {
                ClientRun run = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                        "--max-time", "5", "-H", "Host: " + name + "." + DOMAIN, "http://127.0.0.1:" + edge.httpPort() + "/echo?online"),
                        Duration.ofSeconds(10));
                return run.stdout().trim().equals("200");
            }, Duration.ofSeconds(60), Duration.ofMillis(200), () -> name + " is not online:\n" + agent.process().tail(20));
        }
    }

    private ClientRun curl(Path root, String host) {
        return ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--http1.1", "--max-time", "10", "--cacert",
                root.toString(), "--resolve", host + ":" + edge.httpsPort() + ":127.0.0.1",
                "https://" + host + ":" + edge.httpsPort() + "/echo?dns01"), Duration.ofSeconds(20));
    }

    /** The hook: logs each call, then fails, hangs (recording its and its child's PID) or calls challtestsrv. */
    private Path writeHook(String challtestsrv) throws IOException {
        Path hook = hookDir.resolve("dns-hook.sh");
        Files.writeString(hook, """
                #!/bin/sh
                # burrow DNS hook for pebble-challtestsrv: set|clear DOMAIN RECORD VALUE
                dir=$(dirname "$0")
                echo "$*" >> "$dir/calls.log"
                mode=$(cat "$dir/mode")
                if [ "$1" = set ] && [ "$mode" = fail ]; then echo "provider refused: no zone for $2" >&2; exit 3; fi
                if [ "$1" = set ] && [ "$mode" = hang ]; then
                  echo $$ > "$dir/hook.pid"; sleep 300 & echo $! > "$dir/sleep.pid"; wait; exit 0
                fi
                case "$1" in
                  set) exec curl -sS --fail --max-time 5 -X POST -d "{\\"host\\":\\"$3\\",\\"value\\":\\"$4\\"}" %1$s/set-txt ;;
                  clear) exec curl -sS --fail --max-time 5 -X POST -d "{\\"host\\":\\"$3\\"}" %1$s/clear-txt ;;
                esac
                exit 2
                """.formatted(challtestsrv));
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        return hook;
    }

    private void mode(String mode) throws IOException {
        Files.writeString(hookDir.resolve("mode"), mode + "\n");
    }

    private List<String> hookCalls() throws IOException {
        Path log = hookDir.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
