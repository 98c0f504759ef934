package dev.burrow.testsupport.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a stream or a file, in lower-case hex as {@code sha256sum} prints it. */
public final class Sha256 {

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in).digest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Digest and length of everything {@code in} yields until its end. */
    public static Digested of(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[64 * 1024];
        long count = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
            count += n;
        }
        return new Digested(hex(digest), count);
    }

    /** A digest and the number of bytes it covers. */
    public record Digested(String digest, long bytes) {
    }
}
