package dev.burrow.edge.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The private directory of the hop's domain sockets: owner-only, stale sockets replaced, never another edge's taken. */
class HopSocketsTest {

    @Test
    void theSocketsLiveInADirectoryOnlyTheEdgesUserMayEnter(@TempDir Path data) throws Exception {
        Path hop = data.resolve("hop");
        Files.createDirectories(hop);
        Files.setPosixFilePermissions(hop, PosixFilePermissions.fromString("rwxr-xr-x"));

        HopSockets sockets = HopSockets.prepare(data);

        assertTrue(sockets.domainSockets());
        assertEquals(hop.resolve(HopSockets.HTTPS).toString(), sockets.address(HopSockets.HTTPS).path());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hop)));
        sockets.remove();
        assertFalse(Files.exists(hop));
    }

    @Test
    void aSocketFileNobodyAcceptsOnIsStaleAndRemoved(@TempDir Path data) throws Exception {
        Path stale = data.resolve("hop").resolve(HopSockets.HTTPS);
        listenAt(stale).close();
        assertTrue(Files.exists(stale), "a closed JDK server leaves its socket file, as a killed edge does");

        HopSockets sockets = HopSockets.prepare(data);

        assertEquals(stale.toString(), sockets.address(HopSockets.HTTPS).path());
        assertFalse(Files.exists(stale));
    }

    @Test
    void aRunningEdgesSocketsAreLeftAloneAndThisOneTakesItsOwnDirectory(@TempDir Path data) throws Exception {
        Path live = data.resolve("hop").resolve(HopSockets.HTTPS);
        try (ServerSocketChannel ignored = listenAt(live)) {
            HopSockets sockets = HopSockets.prepare(data);

            Path own = Path.of(sockets.address(HopSockets.HTTPS).path()).getParent();
            assertNotEquals(live.getParent(), own);
            assertEquals(data, own.getParent());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
            assertTrue(Files.exists(live));
            sockets.remove();
            assertFalse(Files.exists(own));
        }
    }

    @Test
    void aDataDirectoryTooDeepForASocketAddressGetsATemporaryDirectory(@TempDir Path data) throws Exception {
        Path deep = Files.createDirectories(data.resolve("d".repeat(100)));

        HopSockets sockets = HopSockets.prepare(deep);

        Path own = Path.of(sockets.address(HopSockets.HTTPS).path()).getParent();
        assertTrue(own.getFileName().toString().startsWith("burrow-hop-"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
        sockets.remove();
        assertFalse(Files.exists(own));
    }

    @Test
    void withoutDomainSocketsTheServersTakeLoopbackPorts() {
        assertFalse(HopSockets.loopback().domainSockets());
        assertNull(HopSockets.loopback().address(HopSockets.H2C));
    }

    /** A JDK server listening (never accepting) on a socket file at {@code file}, its directory made. */
    private static ServerSocketChannel listenAt(Path file) throws java.io.IOException {
        Files.createDirectories(file.getParent());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(file));
        return server;
    }
}
