package dev.burrow.e2e;

import dev.burrow.testsupport.AdminClient;
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
 * {@code *.DOMAIN}, which then serves every endpoint under the domain from one order. A tenant's reserved wildcard
 * ({@code *.team.DOMAIN}) is ordered through the same hook for the tenant's names under it, counted against its cap;
 * a name the tenant holds without a wildcard over it is ordered as itself, and nothing more reaches the hook. A custom
 * domain whose owner points {@code _acme-challenge.NAME} by CNAME at {@code NAME.DELEGATION_ZONE} is validated there
 * (pebble's DNS answers the CNAME with the target's TXT record); one that did not is validated over HTTP-01 as usual.
 * A tenant's wildcard outside the operator's zones goes through the delegation zone when delegated, else its names are
 * ordered each as themselves; a zone hook ({@code --acme-dns-zone-hook}) publishes its zone's records instead of the
 * unscoped hook; a tenant's wildcard is no longer served once unreserved.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AcmeDns01E2ETest {
    private static final String DOMAIN = "dns01.test";
    private static final String HOOK_TIMEOUT = "3s";
    /** The team tenant's wildcard certificate and its {@code app.loose} name fill it; {@code *.more} is refused. */
    private static final int MAX_PER_TENANT = 2;
    private static final String TEAM = "team";
    private static final String DELEGATION_ZONE = "acme-delegate." + DOMAIN;
    /** A zone of the operator's with a hook of its own. */
    private static final String CORP_ZONE = "corp.test";

    private Path tmp;
    private Path hookDir;
    private Path corpHookDir;
    private PebbleServer pebble;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess agent;
    private AgentProcess teamAgent;
    private AgentProcess shopAgent;
    private AgentProcess appsAgent;
    private AgentProcess corpAgent;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("pebble", "pebble-challtestsrv", "curl", "openssl");
        tmp = Files.createTempDirectory("burrow-acme-dns01-");
        hookDir = Files.createDirectories(tmp.resolve("hook"));
        corpHookDir = Files.createDirectories(tmp.resolve("hook-corp"));
        int httpPort = FreePorts.closedPort();
        int httpsPort = FreePorts.closedPort();
        pebble = PebbleServer.start(tmp.resolve("pebble"), httpPort, httpsPort);
        Path hook = writeHook(hookDir, pebble.dnsManagementUrl());
        Path corpHook = writeHook(corpHookDir, pebble.dnsManagementUrl());
        mode("fail");
        Files.writeString(corpHookDir.resolve("mode"), "ok\n");
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-dns01").domain(DOMAIN).httpPort(httpPort)
                .arg("--https-port", Integer.toString(httpsPort), "--acme-directory", pebble.directoryUrl(),
                        "--acme-directory-ca", pebble.serverCertificate().toString(),
                        "--acme-dns-hook-command", hook.toString(), "--acme-dns-hook-timeout", HOOK_TIMEOUT,
                        "--acme-max-per-tenant", Integer.toString(MAX_PER_TENANT), "--acme-dns-delegation-zone", DELEGATION_ZONE,
                        "--acme-dns-zone-hook", CORP_ZONE + "=" + corpHook, "--acme-dns-resolver", pebble.dnsAddress(),
                        "--domain-verifier", "accept-all")
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
        Closeables.closeAll(corpAgent, appsAgent, shopAgent, teamAgent, agent, edge, upstream, pebble);
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
        for (String name : List.of("web", "shop")) {
            assertAnswered(name + "." + DOMAIN);
        }
        assertEquals(ordersBefore + 1, pebble.orders(), "one order covers both names:\n" + pebble.process().tail(20));
        List<String> calls = hookCalls();
        assertEquals(2, calls.size(), "one set, one clear: " + calls);
        assertTrue(calls.get(0).matches("set " + DOMAIN.replace(".", "\\.") + " _acme-challenge\\." + DOMAIN.replace(".", "\\.")
                + "\\. [A-Za-z0-9_-]{43}"), calls.get(0));
        assertTrue(calls.get(1).startsWith("clear " + DOMAIN + " _acme-challenge." + DOMAIN + ". "), calls.get(1));
        assertTrue(edge.process().outputText().contains("issued certificate for *." + DOMAIN), edge.process().tail(20));
    }

    @Test
    @Order(4)
    void aTenantsReservedWildcardIsOrderedThroughTheHookAndServesItsNamesUnderIt() throws Exception {
        Files.deleteIfExists(hookDir.resolve("calls.log"));
        startTeam();
        long ordersBefore = pebble.orders();
        long started = System.nanoTime();
        String web = "web." + TEAM + "." + DOMAIN;
        String shop = "shop." + TEAM + "." + DOMAIN;
        OpenSslClient.handshake(edge.httpsPort(), web);
        Await.until(() -> PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), web)), Duration.ofSeconds(40),
                Duration.ofMillis(200), () -> "no pebble certificate for " + web + "\n" + edge.process().tail(20));
        System.out.printf("DNS-01: the tenant's wildcard served %d ms after the first handshake%n", (System.nanoTime() - started) / 1_000_000);
        OpenSslClient.Handshake served = OpenSslClient.handshake(edge.httpsPort(), web);
        String fields = OpenSslClient.leafFields(served);
        assertTrue(fields.contains("DNS:*." + TEAM + "." + DOMAIN), "the served certificate is the tenant's wildcard: " + fields);
        assertEquals(OpenSslClient.leafPem(served), OpenSslClient.leafPem(OpenSslClient.handshake(edge.httpsPort(), shop)),
                "one certificate for both of the tenant's names");
        for (String host : List.of(web, shop)) {
            assertAnswered(host);
        }
        assertEquals(ordersBefore + 1, pebble.orders(), "one order covers both names:\n" + pebble.process().tail(20));
        String base = TEAM + "." + DOMAIN;
        List<String> calls = hookCalls();
        assertEquals(2, calls.size(), "one set, one clear: " + calls);
        assertTrue(calls.get(0).matches("set " + base.replace(".", "\\.") + " _acme-challenge\\." + base.replace(".", "\\.")
                + "\\. [A-Za-z0-9_-]{43}"), "DOMAIN is the wildcard's base: " + calls.get(0));
        assertTrue(calls.get(1).startsWith("clear " + base + " _acme-challenge." + base + ". "), calls.get(1));
        assertTrue(edge.process().outputText().contains("issued certificate for *." + base), edge.process().tail(20));
    }

    @Test
    @Order(5)
    void aNameTheTenantHoldsWithoutAWildcardOverItIsOrderedAsItselfAndNothingReachesTheHook() throws IOException {
        List<String> callsBefore = hookCalls();
        String loose = "app.loose." + DOMAIN;
        OpenSslClient.handshake(edge.httpsPort(), loose);
        Await.until(() -> PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), loose)), Duration.ofSeconds(40),
                Duration.ofMillis(200), () -> "no pebble certificate for " + loose + "\n" + edge.process().tail(20));
        String fields = OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), loose));
        assertTrue(fields.contains("DNS:" + loose) && !fields.contains("DNS:*."), "its own name only, over HTTP-01: " + fields);
        assertEquals(callsBefore, hookCalls(), "no DNS-01 for a wildcard the tenant does not hold");
        assertFalse(edge.process().outputText().contains("certificate for *.loose." + DOMAIN), edge.process().tail(20));
    }

    @Test
    @Order(6)
    void aStoredTenantWildcardSurvivesARestartAndTheTenantsCapRefusesAnotherBeforeTheHook() throws IOException {
        restartEdge();
        awaitOnline(teamAgent, List.of("web." + TEAM, "app.more"));
        long ordersBefore = pebble.orders();
        List<String> callsBefore = hookCalls();
        String web = "web." + TEAM + "." + DOMAIN;
        Await.until(() -> PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), web)), Duration.ofSeconds(20),
                Duration.ofMillis(200), () -> "the stored wildcard is not served after a restart\n" + edge.process().tail(20));
        int logFrom = edge.process().outputSize();
        String more = "app.more." + DOMAIN;
        assertFalse(PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), more)));
        String refusal = edge.process().awaitLine(line -> line.text().contains("acme: no certificate for *.more." + DOMAIN),
                logFrom, Duration.ofSeconds(30), "the cap's refusal in the edge log").text();
        assertTrue(refusal.contains("its tenant " + TEAM + " already holds " + MAX_PER_TENANT + " automatic certificates"), refusal);
        assertFalse(PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), more)), "the dev certificate stays served");
        assertEquals(callsBefore, hookCalls(), "a refused wildcard never reaches the hook");
        assertEquals(ordersBefore, pebble.orders(), "nothing ordered again, nothing ordered over the cap");
    }

    @Test
    @Order(7)
    void aCustomDomainThatDelegatesItsChallengeByCnameIsValidatedInTheOperatorsZoneOneThatDoesNotOverHttp01() throws Exception {
        String shop = "shop.customer.test";
        String bare = "bare.customer.test";
        AdminClient admin = edge.admin();
        String token = newTenant(admin, "shop");
        for (String host : List.of(shop, bare)) {
            assertEquals(201, admin.post("/tenants/shop/domains", new io.vertx.core.json.JsonObject().put("hostname", host)).status());
            AdminClient.Reply verified = admin.post("/tenants/shop/domains/" + host + "/verify", null);
            assertEquals(200, verified.status(), verified.toString());
        }
        pebble.dnsCname("_acme-challenge." + shop + ".", shop + "." + DELEGATION_ZONE + ".");
        shopAgent = startAgent("agent-shop", token, List.of(shop, bare));
        Files.deleteIfExists(hookDir.resolve("calls.log"));

        awaitIssued(shop);
        String fields = OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), shop));
        assertTrue(fields.contains("DNS:" + shop), fields);
        assertAnswered(shop);
        List<String> calls = hookCalls();
        assertEquals(2, calls.size(), "one set, one clear: " + calls);
        assertTrue(calls.get(0).matches("set " + shop.replace(".", "\\.") + " " + (shop + "." + DELEGATION_ZONE).replace(".", "\\.")
                + "\\. [A-Za-z0-9_-]{43}"), "published in the delegation zone: " + calls.get(0));

        // No CNAME: the delegation zone changes nothing for it; HTTP-01 as without one.
        awaitIssued(bare);
        String bareFields = OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), bare));
        assertTrue(bareFields.contains("DNS:" + bare), bareFields);
        assertAnswered(bare);
        assertEquals(calls, hookCalls(), "nothing of " + bare + " reached the hook");
    }

    @Test
    @Order(8)
    void aTenantsWildcardOutsideTheOperatorsZonesIsDelegatedByCnameOrItsNamesAreOrderedEachAsItself() throws Exception {
        String apps = "web.apps.customer.test";
        String cdn = "web.cdn.customer.test";
        AdminClient admin = edge.admin();
        String token = newTenant(admin, "apps");
        admin.reserve("apps", "*.apps.customer.test");
        admin.reserve("apps", "*.cdn.customer.test");
        pebble.dnsCname("_acme-challenge.cdn.customer.test.", "cdn.customer.test." + DELEGATION_ZONE + ".");
        appsAgent = startAgent("agent-apps", token, List.of(apps, cdn));
        Files.deleteIfExists(hookDir.resolve("calls.log"));
        int logFrom = edge.process().outputSize();

        awaitIssued(cdn);
        String cdnFields = OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), cdn));
        assertTrue(cdnFields.contains("DNS:*.cdn.customer.test"), "the tenant's wildcard, through the delegation zone: " + cdnFields);
        awaitIssued(apps);
        String appsFields = OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), apps));
        assertTrue(appsFields.contains("DNS:" + apps) && !appsFields.contains("DNS:*."), "its own name, over HTTP-01: " + appsFields);
        for (String host : List.of(apps, cdn)) {
            assertAnswered(host);
        }
        String why = edge.process().awaitLine(line -> line.text().contains("acme: " + apps + " is ordered as itself, not as *.apps.customer.test"),
                logFrom, Duration.ofSeconds(10), "why the wildcard was not ordered").text();
        assertTrue(why.contains("apps.customer.test is in no zone the DNS hooks publish in (" + DOMAIN + ", " + CORP_ZONE + ", "
                + DELEGATION_ZONE + ") and _acme-challenge.apps.customer.test is not a CNAME to apps.customer.test." + DELEGATION_ZONE), why);
        List<String> calls = hookCalls();
        assertEquals(2, calls.size(), "one set and one clear, for *.cdn only: " + calls);
        assertTrue(calls.get(0).matches("set cdn\\.customer\\.test cdn\\.customer\\.test\\." + DELEGATION_ZONE.replace(".", "\\.")
                + "\\. [A-Za-z0-9_-]{43}"), calls.get(0));
        assertTrue(calls.stream().noneMatch(call -> call.contains("apps.customer.test")), calls.toString());
    }

    @Test
    @Order(9)
    void aZoneHookPublishesTheRecordsOfItsZoneInsteadOfTheUnscopedHook() throws Exception {
        String web = "web.eng." + CORP_ZONE;
        AdminClient admin = edge.admin();
        String token = newTenant(admin, "corp");
        admin.reserve("corp", "*.eng." + CORP_ZONE);
        List<String> unscopedBefore = hookCalls();
        corpAgent = startAgent("agent-corp", token, List.of(web));
        awaitIssued(web);
        String fields = OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), web));
        assertTrue(fields.contains("DNS:*.eng." + CORP_ZONE), fields);
        List<String> corpCalls = hookCalls(corpHookDir);
        assertEquals(2, corpCalls.size(), "one set, one clear, by the zone's hook: " + corpCalls);
        assertTrue(corpCalls.get(0).matches("set eng\\.corp\\.test _acme-challenge\\.eng\\.corp\\.test\\. [A-Za-z0-9_-]{43}"),
                corpCalls.get(0));
        assertEquals(unscopedBefore, hookCalls(), "the unscoped hook was not called");
        assertAnswered(web);
    }

    @Test
    @Order(10)
    void aTenantsWildcardIsNoLongerServedOnceUnreserved() throws Exception {
        String web = "web." + TEAM + "." + DOMAIN;
        assertTrue(OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), web)).contains("DNS:*." + TEAM + "." + DOMAIN));
        AdminClient.Reply removed = edge.admin().delete("/tenants/" + TEAM + "/reservations/*." + TEAM + "." + DOMAIN);
        assertEquals(200, removed.status(), removed.toString());
        for (String host : List.of(web, "shop." + TEAM + "." + DOMAIN)) {
            String fields = OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), host));
            assertFalse(fields.contains("DNS:*." + TEAM + "." + DOMAIN), host + " is not served the unreserved wildcard: " + fields);
        }
    }

    /** Starts an agent of {@code token} binding {@code hosts} and waits until each is online. */
    private AgentProcess startAgent(String name, String token, List<String> hosts) throws IOException {
        StringBuilder endpoints = new StringBuilder();
        for (String host : hosts) {
            endpoints.append("  - name: ").append(host.replace('.', '-')).append("\n    url: ").append(host)
                    .append("\n    upstream: ").append(upstream.httpAddress()).append('\n');
        }
        Path config = Files.writeString(tmp.resolve(name + ".yml"), "version: 1\nagent:\n  inspect: false\nendpoints:\n" + endpoints);
        AgentProcess started = AgentProcess.startAll(edge).name(name).authtoken(token).arg("--config", config.toString()).start();
        awaitOnlineHosts(started, hosts);
        return started;
    }

    /** A tenant with no quotas and a token of it. */
    private static String newTenant(AdminClient admin, String id) throws Exception {
        admin.createTenant(id, 0, 0, 0);
        return admin.issueToken(id).getString("token");
    }

    /** curl trusting only pebble's root gets 200 from {@code host}'s endpoint. */
    private void assertAnswered(String host) {
        ClientRun curl = curl(pebble.issuingRoot(), host);
        assertTrue(curl.exitCode() == 0 && curl.stdout().startsWith("HTTP/1.1 200"), curl.describe());
    }

    /** The first handshake answers the dev certificate and starts the order; pebble's certificate is served later. */
    private void awaitIssued(String host) {
        OpenSslClient.handshake(edge.httpsPort(), host);
        Await.until(() -> PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), host)), Duration.ofSeconds(40),
                Duration.ofMillis(200), () -> "no pebble certificate for " + host + "\n" + edge.process().tail(20));
    }

    /** The team tenant holds two wildcards and one name two labels deep; its agent binds a name under each. */
    private void startTeam() throws Exception {
        AdminClient admin = edge.admin();
        String token = newTenant(admin, TEAM);
        for (String name : List.of("*." + TEAM + "." + DOMAIN, "*.more." + DOMAIN, "app.loose." + DOMAIN)) {
            admin.reserve(TEAM, name);
        }
        List<String> names = List.of("web." + TEAM, "shop." + TEAM, "app.loose", "app.more");
        StringBuilder endpoints = new StringBuilder();
        for (String name : names) {
            endpoints.append("  - name: ").append(name.replace('.', '-')).append("\n    url: ").append(name).append('.').append(DOMAIN)
                    .append("\n    upstream: ").append(upstream.httpAddress()).append('\n');
        }
        Path config = Files.writeString(tmp.resolve("team.yml"), "version: 1\nagent:\n  inspect: false\nendpoints:\n" + endpoints);
        teamAgent = AgentProcess.startAll(edge).name("agent-team").authtoken(token).arg("--config", config.toString()).start();
        awaitOnline(teamAgent, names);
    }

    private void restartEdge() {
        edge.restart();
        awaitEndpointsOnline();
    }

    /** A handshake before the agent's endpoints are back would find the name not eligible (and remember that). */
    private void awaitEndpointsOnline() {
        awaitOnline(agent, List.of("web", "shop"));
    }

    private void awaitOnline(AgentProcess by, List<String> labels) {
        awaitOnlineHosts(by, labels.stream().map(label -> label + "." + DOMAIN).toList());
    }

    private void awaitOnlineHosts(AgentProcess by, List<String> hosts) {
        for (String name : hosts) {
            Await.until(() -> {
                ClientRun run = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                        "--max-time", "5", "-H", "Host: " + name, "http://127.0.0.1:" + edge.httpPort() + "/echo?online"),
                        Duration.ofSeconds(10));
                return run.stdout().trim().equals("200");
            }, Duration.ofSeconds(60), Duration.ofMillis(200), () -> name + " is not online:\n" + by.process().tail(20));
        }
    }

    private ClientRun curl(Path root, String host) {
        return ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--http1.1", "--max-time", "10", "--cacert",
                root.toString(), "--resolve", host + ":" + edge.httpsPort() + ":127.0.0.1",
                "https://" + host + ":" + edge.httpsPort() + "/echo?dns01"), Duration.ofSeconds(20));
    }

    /** A hook in {@code dir}: logs each call, then fails, hangs (recording its and its child's PID) or calls challtestsrv. */
    private static Path writeHook(Path dir, String challtestsrv) throws IOException {
        Path hook = dir.resolve("dns-hook.sh");
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

    /** The calls of the unscoped hook. */
    private List<String> hookCalls() throws IOException {
        return hookCalls(hookDir);
    }

    private static List<String> hookCalls(Path dir) throws IOException {
        Path log = dir.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
