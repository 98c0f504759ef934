package dev.burrow.edge.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/** The dev authtoken of a data directory: 256 random bits, base64url, in the file {@code authtoken} (mode 0600). */
public final class DevAuthtoken {
    public static final String FILE_NAME = "authtoken";
    private static final int TOKEN_BYTES = 32;

    private DevAuthtoken() {
    }

    /** Reads the token of {@code dataDir}, creating it on first use. Blocking: call off the event loop. */
    public static String loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (token.length() >= 32) {
                return token;
            }
            throw new IOException("the authtoken file " + file.toAbsolutePath()
                    + " is empty or too short; delete it and a new token will be created");
        }
        byte[] random = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        SecureFiles.writeSecret(file, token + "\n");
        return token;
    }
}
