package dev.burrow.testsupport.tools;

import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.TempDirs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A directory of files of given sizes that every upstream serves, each with its SHA-256. The directory is
 * world-readable and sits in a world-traversable parent, because nginx's workers run as {@code nobody}.
 */
public final class ServedFiles implements AutoCloseable {

    private final Path dir;
    private final Map<Long, String> digests = new LinkedHashMap<>();

    private ServedFiles(Path dir) {
        this.dir = dir;
    }

    /** Writes {@code <size>.bin} for each size: bytes of {@link DeterministicBytes}, so each is distinct in length only. */
    public static ServedFiles create(long... sizes) {
        try {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "burrow-served-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            ServedFiles files = new ServedFiles(dir);
            for (long size : sizes) {
                files.write(size);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(long size) throws IOException {
        Path file = dir.resolve(name(size));
        MessageDigest digest = Sha256.newDigest();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long off = 0; off < size; off += DeterministicBytes.MAX_CHUNK) {
                byte[] chunk = DeterministicBytes.slice(off, (int) Math.min(DeterministicBytes.MAX_CHUNK, size - off));
                digest.update(chunk);
                out.write(chunk);
            }
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        digests.put(size, Sha256.hex(digest));
    }

    /** The file name of the file of {@code size} bytes, as a URL path segment too. */
    public static String name(long size) {
        return size + ".bin";
    }

    public Path dir() {
        return dir;
    }

    public Path file(long size) {
        return dir.resolve(name(size));
    }

    public String sha256(long size) {
        String digest = digests.get(size);
        if (digest == null) {
            throw new IllegalArgumentException("no served file of " + size + " bytes; sizes: " + digests.keySet());
        }
        return digest;
    }

    @Override
    public void close() {
        TempDirs.deleteRecursively(dir);
    }
}
