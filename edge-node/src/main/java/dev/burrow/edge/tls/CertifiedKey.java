package dev.burrow.edge.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate chain (leaf first) with its private key, the DNS names it serves and where it came from.
 *
 * @param alias  a digest of the chain and the key: TLS engines cache key material by alias ({@link KeyMaterialCache}),
 *               so a renewed or edited file gets a new alias and is never confused with what it replaces
 * @param names  lower-case DNS names of the leaf, wildcards ({@code *.example.com}) included
 * @param source the file or the name of the source, for logs
 */
public record CertifiedKey(String alias, PrivateKey key, X509Certificate[] chain, List<String> names, String source) {

    /** The key algorithm ("EC", "RSA", "Ed25519"). */
    public String keyAlgorithm() {
        return key.getAlgorithm();
    }
}
