package dev.burrow.edge.http;

import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where the servers behind a {@link LoopbackHop} listen (the HTTPS servers that terminate TLS, the h2c server): Unix
 * domain sockets in a directory only the edge's user may enter (0700), or, without them, loopback TCP ports. A domain
 * socket saves the TCP handshake, the ACKs and the loopback stack per connection and per byte; and only the edge's own
 * user can connect to it, so the PROXY line that starts each hop needs no address check (a loopback port is open to
 * every local user).
 * <p>
 * The directory is {@code hop} in the data directory. At start its socket files are left by an edge that did not stop
 * (nothing accepts on them) and are removed; when something does accept on one, another running edge shares the data
 * directory, and this one takes a directory of its own beside it. A data directory whose path is too long for a socket
 * address (108 bytes on Linux) gets a directory under the system's temporary directory instead.
 */
public final class HopSockets {
    private static final Logger LOG = LoggerFactory.getLogger(HopSockets.class);
    /**
     * The socket file names of the plain HTTPS server and the h2c server; the other HTTPS servers (client certificates,
     * TLS versions) name theirs after how they terminate, in at most {@link #MAX_NAME_BYTES}.
     */
    public static final String HTTPS = "https.sock";
    public static final String H2C = "h2c.sock";
    public static final int MAX_NAME_BYTES = 40;
    /** Linux's sun_path holds 108 bytes, the terminating NUL included. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    /** The private directory; null: loopback TCP ports. */
    private final Path directory;

    private HopSockets(Path directory) {
        this.directory = directory;
    }

    /** Loopback TCP ports (no native transport, or no directory could be made). */
    public static HopSockets loopback() {
        return new HopSockets(null);
    }

    /**
     * Blocking. Domain sockets in a private directory under {@code dataDirectory} (or the temporary directory), loopback
     * ports when none can be made (logged).
     */
    public static HopSockets prepare(Path dataDirectory) {
        try {
            return new HopSockets(privateDirectory(dataDirectory));
        } catch (IOException | RuntimeException e) {
            LOG.warn("https: no private directory for the internal hop's domain sockets ({}); it uses loopback TCP ports", e.toString());
            return loopback();
        }
    }

    /** Whether the hop runs over domain sockets. */
    public boolean domainSockets() {
        return directory != null;
    }

    /** The domain socket a server behind the hop listens on; null: a loopback TCP port. */
    public SocketAddress address(String name) {
        return directory == null ? null : SocketAddress.domainSocketAddress(directory.resolve(name).toString());
    }

    /** Where the hop runs, for the start log. */
    public String describe() {
        return directory == null ? "loopback TCP ports" : "Unix domain sockets in " + directory;
    }

    /** Blocking: removes the socket files and the directory (after the servers closed). */
    public void remove() {
        if (directory == null) {
            return;
        }
        try {
            clear(directory);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            LOG.debug("https: cannot remove {}: {}", directory, e.toString());
        }
    }

    private static Path privateDirectory(Path dataDirectory) throws IOException {
        Path wanted = dataDirectory.resolve("hop");
        if (!fits(wanted)) {
            return Files.createTempDirectory("burrow-hop-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        if (Files.isDirectory(wanted) && inUse(wanted)) {
            return Files.createTempDirectory(dataDirectory, "hop-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Files.createDirectories(wanted);
        clear(wanted);
        // Set after creation too: the umask may have narrowed the creation mode, and an older directory may be wider.
        Files.setPosixFilePermissions(wanted, OWNER_ONLY);
        return wanted;
    }

    private static boolean fits(Path directory) {
        return directory.toString().getBytes(StandardCharsets.UTF_8).length + 1 + MAX_NAME_BYTES <= MAX_SOCKET_PATH_BYTES;
    }

    /** Whether a server accepts on a socket file in {@code directory} (a connect to a dead one is refused at once). */
    private static boolean inUse(Path directory) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.sock")) {
            for (Path file : files) {
                try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    if (probe.connect(UnixDomainSocketAddress.of(file))) {
                        return true;
                    }
                } catch (IOException refused) {
                    // Stale: no server behind it.
                }
            }
        }
        return false;
    }

    private static void clear(Path directory) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.sock")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }
}
