package dev.burrow.conformance;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.NodeScript;
import dev.burrow.testsupport.tools.ServedFiles;
import dev.burrow.testsupport.tools.Sha256;
import dev.burrow.testsupport.tools.SshdServer;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Byte pipes through a real edge and a real agent, with third-party software at both ends: a WebSocket echo server
 * and client on the npm package ws (an upgraded HTTP exchange), and OpenSSH's sshd behind a TCP endpoint with ssh
 * running commands and scp (SFTP) copying files both ways, every payload checked by SHA-256.
 */
@ExtendWith(ProcessLogsOnFailure.class)
class PipeConformanceE2ETest {

    static final long MIB = 1024 * 1024;
    static final int REPEATS = 10;
    /** scp of 64 MiB takes about a second each way here; two per direction keep the class short. */
    static final int BIG_REPEATS = 2;
    static final long[] FILE_SIZES = {0, 1024, MIB, 64 * MIB};
    /** One binary message of each size per WebSocket connection, echoed and compared. */
    static final String[] WS_MESSAGE_SIZES = {"0", "1", "1024", "65536", "1048576", "8388608"};
    static final int PARALLEL = 4;
    static final Duration CLIENT_LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path configDir;
    static ServedFiles files;
    static NodeScript.Server wsServer;
    static SshdServer sshd;
    static EdgeProcess edge;
    static AgentProcess agent;
    static int sshPort;
    static ExecutorService clients;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void startAll() throws Exception {
        Tools.wsNodeModules();
        files = ServedFiles.create(FILE_SIZES);
        wsServer = NodeScript.startServer(NodeScript.WS_ECHO_SERVER, true);
        sshd = SshdServer.start();
        edge = EdgeProcess.builder().name("edge-pipes").startTimeout(ConformanceAgents.START_TIMEOUT).start();
        sshPort = edge.tcpPorts().low();
        Path config = Files.writeString(configDir.resolve("burrow.yml"), """
                version: 1
                endpoints:
                  - {name: ws, url: ws.%1$s, upstream: "http://%2$s"}
                  - {name: ssh, url: "tcp://:%3$d", upstream: "%4$s"}
                """.formatted(edge.domain(), wsServer.address(), sshPort, sshd.address()));
        agent = AgentProcess.startAll(edge).name("agent-pipes").startTimeout(ConformanceAgents.START_TIMEOUT)
                .arg("--config", config.toString()).start();
        ConformanceAgents.awaitEveryEndpoint(agent, 2);
        clients = Executors.newFixedThreadPool(PARALLEL);
    }

    @AfterAll
    static void stopAll() {
        if (clients != null) {
            clients.shutdownNow();
        }
        Closeables.closeAll(agent, edge, sshd, wsServer, files);
    }

    @Test
    void webSocketMessagesFromZeroBytesTo8MiBComeBackWholeOnEveryConnection() {
        List<ClientRun> runs = inParallel(REPEATS, () -> NodeScript.runClient(NodeScript.WS_ECHO_CLIENT, true, CLIENT_LIMIT,
                prepend("ws://127.0.0.1:" + edge.httpPort() + "/", edge.hostHeader("ws"), WS_MESSAGE_SIZES)));
        assertAllSucceeded("WebSocket connections through the edge to the ws echo server", runs, run -> run.exitCode() == 0);
    }

    @Test
    void sshRunsCommandsThroughATcpEndpoint() {
        long size = MIB;
        List<ClientRun> runs = inParallel(REPEATS, () -> ClientRun.run(ssh("sha256sum " + files.file(size)), CLIENT_LIMIT));
        assertAllSucceeded("ssh sessions running sha256sum", runs,
                run -> run.exitCode() == 0 && run.stdout().startsWith(files.sha256(size) + " "));
    }

    @Test
    void scpDownloadsEveryFileByteForByte(@TempDir Path target) {
        assertScpCopiesEverySize("scp downloads", target,
                (size, copy) -> scp(SshdServer.login() + ":" + files.file(size), copy.toString()));
    }

    @Test
    void scpUploadsEveryFileByteForByte(@TempDir Path target) {
        assertScpCopiesEverySize("scp uploads", target,
                (size, copy) -> scp(files.file(size).toString(), SshdServer.login() + ":" + copy));
    }

    /** Copies each served file (10 times, 64 MiB twice) to {@code target} with the command made for it, 4 at once. */
    private void assertScpCopiesEverySize(String what, Path target, BiFunction<Long, Path, List<String>> command) {
        List<CompletableFuture<String>> pending = new ArrayList<>();
        for (long size : FILE_SIZES) {
            int repeats = size >= 64 * MIB ? BIG_REPEATS : REPEATS;
            for (int i = 0; i < repeats; i++) {
                Path copy = target.resolve(size + "-" + i + ".bin");
                pending.add(CompletableFuture.supplyAsync(
                        () -> checkCopy(ClientRun.run(command.apply(size, copy), CLIENT_LIMIT), copy, files.sha256(size)),
                        clients));
            }
        }
        List<String> wrong = pending.stream().map(CompletableFuture::join).filter(s -> s != null).toList();
        assertNoneWrong(what, pending.size(), wrong);
    }

    /** Null when the copy is the file byte for byte, else what went wrong. */
    private static String checkCopy(ClientRun run, Path copy, String expected) {
        if (run.exitCode() != 0 || !Files.isRegularFile(copy)) {
            return run.describe();
        }
        String actual = Sha256.of(copy);
        try {
            Files.delete(copy);
        } catch (java.io.IOException ignored) {
            // the temp dir goes anyway
        }
        return actual.equals(expected) ? null : copy.getFileName() + ": sha256 " + actual + ", expected " + expected;
    }

    private static List<String> ssh(String remoteCommand) {
        List<String> command = new ArrayList<>(List.of(Tools.require("ssh").toString()));
        command.addAll(sshd.clientOptions("-p", sshPort));
        command.add(SshdServer.login());
        command.add(remoteCommand);
        return command;
    }

    private static List<String> scp(String from, String to) {
        List<String> command = new ArrayList<>(List.of(Tools.require("scp").toString(), "-q"));
        command.addAll(sshd.clientOptions("-P", sshPort));
        command.add(from);
        command.add(to);
        return command;
    }

    private List<ClientRun> inParallel(int times, Supplier<ClientRun> client) {
        List<CompletableFuture<ClientRun>> pending = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            pending.add(CompletableFuture.supplyAsync(client, clients));
        }
        return pending.stream().map(CompletableFuture::join).toList();
    }

    private static void assertAllSucceeded(String what, List<ClientRun> runs, java.util.function.Predicate<ClientRun> ok) {
        List<String> wrong = runs.stream().filter(ok.negate()).map(ClientRun::describe).toList();
        assertNoneWrong(what, runs.size(), wrong);
    }

    private static void assertNoneWrong(String what, int count, List<String> wrong) {
        if (!wrong.isEmpty()) {
            fail(wrong.size() + " of " + count + " " + what + " failed:\n"
                    + String.join("\n", wrong.subList(0, Math.min(6, wrong.size()))));
        }
        System.out.printf("%s: %d of %d whole%n", what, count, count);
    }

    private static String[] prepend(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }
}
