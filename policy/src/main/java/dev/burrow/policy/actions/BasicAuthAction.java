package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code basic-auth}: the request must carry {@code Authorization: Basic} with one of {@code credentials}
 * ("user:password"), or it gets 401 with {@code WWW-Authenticate} naming {@code realm}. The edge keeps only a salted
 * SHA-256 of each "user:password" (salt drawn when the policy is compiled), never the text, and compares digests in
 * constant time against every credential. A fast hash, not a slow one: it runs on every request, and the secrets
 * came from the policy document, which the edge holds anyway.
 */
final class BasicAuthAction implements Action {
    static final String TYPE = "basic-auth";
    private static final int MAX_CREDENTIALS = 100;

    private final byte[] salt;
    private final List<byte[]> digests;
    private final Future<Verdict> challenge;
    private final boolean enforce;

    private BasicAuthAction(byte[] salt, List<byte[]> digests, Future<Verdict> challenge, boolean enforce) {
        this.salt = salt;
        this.digests = digests;
        this.challenge = challenge;
        this.enforce = enforce;
    }

    static Action create(ActionConfig config) throws PolicyException {
        List<DocumentNode> credentials = config.items("credentials", true);
        if (credentials.isEmpty() || credentials.size() > MAX_CREDENTIALS) {
            throw config.problem("credentials", "give between 1 and " + MAX_CREDENTIALS + " user:password pairs");
        }
        String realm = config.text("realm", "burrow");
        if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0 || realm.chars().anyMatch(c -> c < 0x20)) {
            throw config.problem("realm", "must not contain quotes, backslashes or control characters");
        }
        boolean enforce = config.bool("enforce", true);
        config.finish();
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        List<byte[]> digests = new ArrayList<>(credentials.size());
        for (DocumentNode credential : credentials) {
            String pair = String.valueOf(credential.scalar());
            int colon = pair.indexOf(':');
            if (credential.kind() != DocumentNode.Kind.SCALAR || colon <= 0 || colon == pair.length() - 1) {
                throw config.problem(credential, "credentials: each item is \"user:password\" with both parts non-empty");
            }
            digests.add(digest(salt, pair.getBytes(StandardCharsets.UTF_8)));
        }
        Future<Verdict> challenge = Outcomes.plain(401, "401 Unauthorized", TYPE,
                List.of(Map.entry("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"")));
        return new BasicAuthAction(salt, List.copyOf(digests), challenge, enforce);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        String username = authenticatedUser(context.request().header("authorization"));
        context.publishActionResult("basic_auth", Map.of("authenticated", username != null,
                "username", username == null ? "" : username));
        context.detail(username == null ? "no valid credentials" : "user " + username);
        return username != null || !enforce ? Outcomes.PROCEED : challenge;
    }

    /** The user name when the header holds valid credentials, else null. */
    private String authenticatedUser(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] presented = digest(salt, decoded);
        boolean matched = false;
        for (byte[] expected : digests) {
            matched |= MessageDigest.isEqual(expected, presented);
        }
        if (!matched) {
            return null;
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        return pair.substring(0, pair.indexOf(':'));
    }

    private static byte[] digest(byte[] salt, byte[] secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt);
            return sha256.digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
