package dev.burrow.policy;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code openid-connect} across a three-node cluster (separate JVMs, Hazelcast on loopback): a visitor logs in through
 * node 1 and the session cookie node 1 sealed is accepted by node 3, whose upstream request carries the identity (the
 * cookie keys are the cluster's); the callback node 1 completed, replayed through node 3, is refused (the completed
 * logins are the cluster's too); without the cookie node 3 sends the visitor to log in and nothing reaches the upstream.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LoginClusterE2ETest {

    @Test
    void aSessionCookieIssuedThroughNode1IsAcceptedByNode3AndItsCallbackCannotBeReplayedThere() throws Exception {
        LoginTestProvider.assumeAvailable();
        Path dir = Files.createTempDirectory("burrow-login-cluster-");
        Upstream upstream = Upstream.start();
        EdgeCluster cluster = null;
        LoginTestProvider provider = null;
        AgentProcess agent = null;
        try {
            cluster = EdgeCluster.start(3, "1s", EdgeProcess.ALLOW_LOOPBACK_POLICY_FETCHES);
            List<String> callbacks = new ArrayList<>();
            Map<Integer, String> addresses = new HashMap<>();
            for (EdgeProcess node : cluster.nodes()) {
                callbacks.add(node.publicHttpUrl("app") + "/_burrow/oidc/callback");
                addresses.put(node.httpPort(), node.bindAddress());
            }
            provider = LoginTestProvider.start(dir, callbacks, List.of());
            Path policy = Files.writeString(dir.resolve("policy.yml"), provider.openIdPolicy("x-login-sub", "sub"));
            agent = AgentProcess.http(cluster.node(0), upstream.httpAddress()).subdomain("app").name("agent-login-cluster")
                    .arg("--traffic-policy-file", policy.toString()).start();
            String node1 = cluster.node(0).publicHttpUrl("app");
            String node3 = cluster.node(2).publicHttpUrl("app");

            LoginUserAgent browser = new LoginUserAgent(addresses);
            LoginUserAgent.Reply loginPage = browser.follow(node1 + "/echo?via=node1", null);
            assertTrue(loginPage.url().startsWith(provider.issuer() + "/interaction/"), loginPage.url() + " " + loginPage.body());
            String loginCookie = browser.cookie("app.localhost", "burrow_oidc_login");
            LoginUserAgent.Reply toCallback = browser.signIn(loginPage, "frank", node1 + "/_burrow/oidc/callback");
            String callback = toCallback.location();
            LoginUserAgent.Reply loggedIn = browser.follow(callback, null);
            assertEquals(200, loggedIn.status(), loggedIn.url() + " " + loggedIn.body());
            assertEquals("frank", upstream.awaitRequest(r -> r.uri().equals("/echo?via=node1"), Duration.ofSeconds(10))
                    .header("x-login-sub"));

            LoginUserAgent.Reply throughNode3 = browser.get(node3 + "/echo?via=node3");
            assertEquals(200, throughNode3.status(), "node 3 refused node 1's session cookie: " + throughNode3.body());
            assertEquals("frank", upstream.awaitRequest(r -> r.uri().equals("/echo?via=node3"), Duration.ofSeconds(10))
                    .header("x-login-sub"));

            LoginUserAgent attacker = new LoginUserAgent(addresses);
            attacker.setCookie("app.localhost", "burrow_oidc_login", loginCookie);
            LoginUserAgent.Reply replayed = attacker.get(callback.replace(node1, node3));
            assertEquals(400, replayed.status(), replayed.body());
            assertTrue(replayed.body().contains("already completed"), replayed.body());

            LoginUserAgent.Reply stranger = new LoginUserAgent(addresses).get(node3 + "/echo?via=stranger");
            assertEquals(302, stranger.status());
            assertEquals(0, upstream.requests().stream().filter(r -> r.uri().equals("/echo?via=stranger")).count());
        } finally {
            Closeables.closeAll(agent, provider, cluster, upstream);
            TempDirs.deleteRecursively(dir);
        }
    }
}
