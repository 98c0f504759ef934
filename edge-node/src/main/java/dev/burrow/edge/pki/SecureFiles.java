package dev.burrow.edge.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes files atomically, secrets with mode 0600 (owner read/write only) where the file system supports it. */
final class SecureFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private SecureFiles() {
    }

    static void writeSecret(Path file, String content) throws IOException {
        write(file, content, true);
    }

    static void writePublic(Path file, String content) throws IOException {
        write(file, content, false);
    }

    private static void write(Path file, String content, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        if (POSIX) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        } else {
            Files.createFile(temp);
        }
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
