package dev.burrow.edge;

import dev.burrow.edge.pki.DevAuthtoken;
import dev.burrow.edge.pki.DevPki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's data directory, prepared at start: dev PKI and dev authtoken, created on first start, reused after.
 *
 * @param path        absolute path of the directory
 * @param pki         the dev CA and the server certificate
 * @param devAuthtoken the dev authtoken
 */
public record DataDirectory(Path path, DevPki pki, String devAuthtoken) {

    /** Blocking: run before Vert.x starts or in executeBlocking. */
    public static DataDirectory prepare(Path dir, String domain) {
        return prepare(dir, domain, java.util.List.of());
    }

    /** Blocking. {@code nodeAddresses}: addresses agents dial this node at, named in its server certificate. */
    public static DataDirectory prepare(Path dir, String domain, java.util.List<String> nodeAddresses) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
            if (!Files.isWritable(absolute)) {
                throw new EdgeStartException("the data directory " + absolute + " is not writable; fix its permissions or choose another --data-dir", null);
            }
            return new DataDirectory(absolute, DevPki.ensure(absolute, domain, nodeAddresses), DevAuthtoken.loadOrCreate(absolute));
        } catch (IOException e) {
            throw new EdgeStartException("cannot prepare the data directory " + absolute + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "DataDirectory[path=" + path + ", pki=" + pki + ", devAuthtoken=HIDDEN]";
    }
}
