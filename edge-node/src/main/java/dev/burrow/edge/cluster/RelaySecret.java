package dev.burrow.edge.cluster;

import dev.burrow.digest.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The shared secret a relay link proves at its handshake: derived from the cluster CA's private key, which every node
 * of a cluster holds (they share one CA). A node with another CA cannot relay into this cluster, and the secret
 * itself never needs configuring. Compared in constant time.
 */
public final class RelaySecret {
    private final byte[] secret;

    private RelaySecret(byte[] secret) {
        this.secret = secret;
    }

    /** Blocking: reads the CA key. */
    public static RelaySecret fromCaKey(Path caKey) throws IOException {
        return new RelaySecret(Sha256.of("burrow-relay-secret/1:" + Files.readString(caKey, StandardCharsets.US_ASCII).trim()));
    }

    /** The secret as sent in the relay handshake. */
    public String token() {
        return HexFormat.of().formatHex(secret);
    }

    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(candidate);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(secret, given);
    }


    @Override
    public String toString() {
        return "RelaySecret[HIDDEN]";
    }
}
