package dev.burrow.edge.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bootstrap admin token of a data directory: 256 random bits in {@code admin-token} (mode 0600), created on first
 * start and printed then, so a fresh node can be administered before any OpenID provider is set up.
 */
public final class AdminToken {
    public static final String FILE_NAME = "admin-token";

    private AdminToken() {
    }

    /** The token and whether it was just created. Blocking. */
    public record Loaded(String token, boolean created) {
        @Override
        public String toString() {
            return "AdminToken[HIDDEN, created=" + created + "]";
        }
    }

    public static Loaded loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (token.length() >= 32) {
                return new Loaded(token, false);
            }
            throw new IOException("the admin token file " + file.toAbsolutePath()
                    + " is empty or too short; delete it and a new token will be created");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = "ba_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        SecureFiles.writeSecret(file, token + "\n");
        return new Loaded(token, true);
    }
}
