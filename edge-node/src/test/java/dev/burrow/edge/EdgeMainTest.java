package dev.burrow.edge;

import dev.burrow.edge.config.ConfigKey;
import dev.burrow.edge.config.EdgeConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.burrow.edge.EdgeNodeEndToEndTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class EdgeMainTest {

    @Test
    void everySettingHasAFlagAndEachFlagGivenReachesItsSetting() {
        EdgeMain main = new EdgeMain();
        CommandLine commandLine = new CommandLine(main);
        List<String> args = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            assertNotNull(commandLine.getCommandSpec().findOption(key.flag()), "no option " + key.flag());
            args.add(key.flag());
            args.add("value-of-" + key.yamlKey());
        }
        commandLine.parseArgs(args.toArray(String[]::new));
        Map<ConfigKey, List<String>> flags = main.flags();
        for (ConfigKey key : ConfigKey.values()) {
            assertEquals(List.of("value-of-" + key.yamlKey()), flags.get(key), key.flag());
        }
        EdgeMain none = new EdgeMain();
        new CommandLine(none).parseArgs();
        assertEquals(Map.of(), none.flags(), "no flag given, no setting from flags");
    }

    @TempDir
    Path dataDir;

    @Test
    void startupLinesFollowTheContractWithThePickedPorts() throws Exception {
        Vertx vertx = Vertx.vertx();
        EdgeNode edge = await(EdgeNode.start(vertx, EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0)
                .withBindAddress("127.0.0.1").withDataDir(dataDir)));
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            EdgeMain.printReady(edge, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
            assertNotEquals(0, edge.httpPort());
            assertNotEquals(0, edge.tunnelPort());
            assertEquals(List.of(
                    "Public HTTP listening on 127.0.0.1:" + edge.httpPort(),
                    "Public HTTPS listening on 127.0.0.1:" + edge.httpsPort(),
                    "Agent link (TLS) listening on 127.0.0.1:" + edge.tunnelPort(),
                    "TCP endpoints allocated from 20000-20999",
                    "UDP endpoints allocated from 20000-20999",
                    "Dev CA certificate: " + dataDir.toAbsolutePath().resolve("ca.pem"),
                    "Authtoken: " + edge.devAuthtoken(),
                    "Admin token: " + edge.adminToken() + " (saved in " + dataDir.toAbsolutePath().resolve("admin-token") + ")",
                    "Relay link (TLS) listening on 127.0.0.1:" + edge.relayPort(),
                    "Ops (healthz, readyz, metrics) listening on 127.0.0.1:" + edge.opsPort(),
                    "Cluster member " + edge.nodeId() + " at 127.0.0.1:" + edge.clusterPort() + " in cluster burrow (1 members)",
                    "Edge node ready"), lines);
        } finally {
            await(edge.close());
            await(vertx.close());
        }
    }

    @Test
    void adminTokenIsPrintedOnlyWhenCreatedAndLaterOnlyWhereItIs() throws Exception {
        EdgeConfig config = EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0)
                .withBindAddress("127.0.0.1").withDataDir(dataDir);
        String token = null;
        for (int start = 0; start < 2; start++) {
            Vertx vertx = Vertx.vertx();
            EdgeNode edge = await(EdgeNode.start(vertx, config));
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                EdgeMain.printReady(edge, new PrintStream(bytes, true, StandardCharsets.UTF_8));
                String out = bytes.toString(StandardCharsets.UTF_8);
                List<String> adminLines = out.lines().filter(l -> l.startsWith("Admin token:")).toList();
                if (start == 0) {
                    token = edge.adminToken();
                    assertEquals(List.of("Admin token: " + token + " (saved in " + dataDir.toAbsolutePath().resolve("admin-token") + ")"), adminLines);
                } else {
                    assertEquals(token, edge.adminToken());
                    assertEquals(List.of("Admin token: in " + dataDir.toAbsolutePath().resolve("admin-token")), adminLines);
                    assertFalse(out.contains(token), "the restarted node must not print the admin token");
                }
            } finally {
                await(edge.close());
                await(vertx.close());
            }
        }
    }

    @Test
    void badSettingExitsWithCode2AndOneLine() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new EdgeMain()).execute("--tcp-ports", "30000-20000", "--data-dir", dataDir.toString());
            assertEquals(EdgeMain.EXIT_BAD_CONFIG, code);
        } finally {
            System.setErr(originalErr);
        }
        assertEquals(List.of("burrow-edge: --tcp-ports: port range 30000-20000 is invalid; expected 1 <= LOW <= HIGH <= 65535"),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
