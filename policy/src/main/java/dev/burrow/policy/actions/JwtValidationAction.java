package dev.burrow.policy.actions;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.VisitorIdentity;
import dev.burrow.policy.actions.jwt.Algorithms;
import dev.burrow.policy.actions.jwt.JwksSource;
import dev.burrow.policy.actions.jwt.TokenSource;
import dev.burrow.policy.actions.jwt.TokenValidator;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;

import java.net.URI;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jwt-validation} in ngrok's shape: every configured token must be present and valid ({@link TokenValidator}),
 * or the request gets 401 with {@code WWW-Authenticate: Bearer} (RFC 6750: {@code error="invalid_token"} and a
 * description when a token was presented). Keys come only from JWKS URLs ({@code jws.keys.sources.additional_jkus}),
 * fetched without blocking and cached ({@link JwksSource}). Later rules read {@code actions.ngrok.jwt_validation}.
 */
final class JwtValidationAction implements Action {
    static final String TYPE = "jwt-validation";
    private static final Set<String> TOKEN_TYPES = Set.of("id_token", "access_token", "at+jwt", "it+jwt", "plain", "jwt");

    private final List<TokenSource> tokens;
    private final TokenValidator validator;

    private JwtValidationAction(List<TokenSource> tokens, TokenValidator validator) {
        this.tokens = tokens;
        this.validator = validator;
    }

    static Action create(ActionConfig config) throws PolicyException {
        NestedConfig nested = new NestedConfig(config);
        Set<String> issuers = new LinkedHashSet<>(nested.allowList(
                required(config, nested, "issuer", Set.of("allow_list")), "issuer", true));
        DocumentNode audience = config.node("audience");
        Set<String> audiences = audience == null || audience.isNull() ? Set.of()
                : new LinkedHashSet<>(nested.allowList(nested.checkedObject(audience, "audience", Set.of("allow_list")),
                "audience", false));
        List<TokenSource> tokens = tokenSources(nested, required(config, nested, "http", Set.of("tokens")));
        DocumentNode jws = required(config, nested, "jws", Set.of("allowed_algorithms", "keys"));
        Set<String> algorithms = algorithms(config, nested, jws);
        List<JwksSource> sources = new ArrayList<>();
        for (String url : jwksUrls(config, nested, jws)) {
            sources.add(new JwksSource(url, config.environment()::fetches, System::nanoTime));
        }
        config.finish();
        return new JwtValidationAction(List.copyOf(tokens), new TokenValidator(Set.copyOf(algorithms),
                Set.copyOf(issuers), Set.copyOf(audiences), List.copyOf(sources)));
    }

    private static DocumentNode required(ActionConfig config, NestedConfig nested, String key, Set<String> keys)
            throws PolicyException {
        DocumentNode value = config.node(key);
        if (value == null || value.isNull()) {
            throw config.problem(key, "is required");
        }
        return nested.checkedObject(value, key, keys);
    }

    private static List<TokenSource> tokenSources(NestedConfig nested, DocumentNode http) throws PolicyException {
        List<TokenSource> sources = new ArrayList<>();
        for (DocumentNode item : nested.list(http, "tokens", "http.tokens", true)) {
            DocumentNode token = nested.checkedObject(item, "http.tokens[]", Set.of("type", "method", "name", "prefix"));
            String type = nested.text(token, "type", "http.tokens[].type", null);
            String method = nested.text(token, "method", "http.tokens[].method", null);
            if (!TOKEN_TYPES.contains(type)) {
                throw nested.problem(token, "http.tokens[].type must be one of " + String.join(", ", TOKEN_TYPES));
            }
            if (!method.equals("header") && !method.equals("cookie")) {
                throw nested.problem(token, "http.tokens[].method '" + method
                        + "' is not supported by Burrow; use header or cookie");
            }
            sources.add(new TokenSource(type, method, nested.text(token, "name", "http.tokens[].name", null),
                    nested.text(token, "prefix", "http.tokens[].prefix", "")));
        }
        return sources;
    }

    private static Set<String> algorithms(ActionConfig config, NestedConfig nested, DocumentNode jws) throws PolicyException {
        Set<String> algorithms = new LinkedHashSet<>();
        for (String name : nested.texts(nested.list(jws, "allowed_algorithms", "jws.allowed_algorithms", true),
                "jws.allowed_algorithms")) {
            if (name.equalsIgnoreCase("none")) {
                throw config.problem(jws, "jws.allowed_algorithms: none is never allowed (an unsigned token proves nothing)");
            }
            if (name.toUpperCase().startsWith("HS")) {
                throw config.problem(jws, "jws.allowed_algorithms: " + name + " needs a shared secret, but keys come"
                        + " from JWKS URLs as public keys; allow RS*, PS*, ES* or EdDSA");
            }
            if (!Algorithms.SUPPORTED.contains(name)) {
                throw config.problem(jws, "jws.allowed_algorithms: unknown algorithm '" + name + "' (known: "
                        + String.join(", ", Algorithms.SUPPORTED) + ")");
            }
            algorithms.add(name);
        }
        return algorithms;
    }

    private static List<String> jwksUrls(ActionConfig config, NestedConfig nested, DocumentNode jws) throws PolicyException {
        List<String> urls = new ArrayList<>();
        for (DocumentNode keys : nested.list(jws, "keys", "jws.keys", true)) {
            DocumentNode entry = nested.checkedObject(keys, "jws.keys", Set.of("sources", "identification"));
            for (DocumentNode sources : nested.list(entry, "sources", "jws.keys.sources", true)) {
                DocumentNode source = nested.checkedObject(sources, "jws.keys.sources", Set.of("additional_jkus"));
                for (String url : nested.texts(nested.list(source, "additional_jkus",
                        "jws.keys.sources.additional_jkus", true), "jws.keys.sources.additional_jkus")) {
                    urls.add(checkedUrl(config, source, url));
                }
            }
        }
        return urls;
    }

    private static String checkedUrl(ActionConfig config, DocumentNode at, String url) throws PolicyException {
        try {
            URI uri = URI.create(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw config.problem(at, "jws.keys.sources.additional_jkus: '" + url + "' is not an http(s) URL");
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        List<Future<TokenValidator.Outcome>> checks = new ArrayList<>(tokens.size());
        for (TokenSource source : tokens) {
            String token = source.find(context.request());
            if (token == null) {
                return refuse(context, List.of(), null, "no token in " + source.method() + " " + source.name());
            }
            checks.add(validator.validate(token, context.now()));
        }
        return Future.all(checks).compose(all -> decide(context, all.<TokenValidator.Outcome>list()),
                failure -> keysUnavailable(context, failure));
    }

    /**
     * 503: no token can be checked without keys, and that is not the visitor's doing. The reason (an unreachable issuer,
     * an address the edge refuses to fetch from) goes to the trail, where the agent and the operator read it.
     */
    private static Future<Verdict> keysUnavailable(EvaluationContext context, Throwable failure) {
        context.detail("the keys cannot be fetched: " + failure.getMessage());
        context.publishActionResult("jwt_validation", Map.of("tokens", List.of(),
                "error", Map.of("code", "keys_unavailable", "message", String.valueOf(failure.getMessage()))));
        return Outcomes.plain(503, "503 Service Unavailable: the keys that verify tokens for this endpoint cannot be fetched",
                TYPE, List.of(Map.entry("Retry-After", "30")));
    }

    private Future<Verdict> decide(EvaluationContext context, List<TokenValidator.Outcome> outcomes) {
        List<Map<String, Object>> published = new ArrayList<>(outcomes.size());
        String problem = null;
        for (int i = 0; i < outcomes.size(); i++) {
            TokenValidator.Outcome outcome = outcomes.get(i);
            published.add(TokenResults.of(tokens.get(i), outcome.token(), outcome.problem() == null));
            problem = problem == null ? outcome.problem() : problem;
        }
        if (problem != null) {
            return refuse(context, published, problem, problem);
        }
        context.publishActionResult("jwt_validation", Map.of("tokens", published));
        context.detail("valid token" + (outcomes.size() > 1 ? "s" : ""));
        tellIdentity(context, outcomes.get(0).token());
        return Outcomes.PROCEED;
    }

    /**
     * The first token's subject is who the visitor is (the edge signs it for the upstream); its {@code email} only when
     * the token says {@code email_verified: true}.
     */
    private static void tellIdentity(EvaluationContext context, SignedJWT token) {
        try {
            JWTClaimsSet claims = token.getJWTClaimsSet();
            Object verified = claims.getClaim("email_verified");
            String email = Boolean.TRUE.equals(verified) || "true".equals(verified) ? text(claims, "email") : null;
            context.visitorIdentity(new VisitorIdentity("jwt", claims.getSubject(), email, text(claims, "name"),
                    claims.getIssuer()));
        } catch (ParseException e) {
            // not reached: a token whose claims do not parse was refused
        }
    }

    private static String text(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String value ? value : null;
    }

    /** 401; {@code invalid} is null when no token was presented (RFC 6750 then names no error). */
    private static Future<Verdict> refuse(EvaluationContext context, List<Map<String, Object>> published,
                                          String invalid, String message) {
        Map<String, Object> result = new HashMap<>();
        result.put("tokens", published);
        result.put("error", Map.of("code", invalid == null ? "missing_token" : "invalid_token", "message", message));
        context.publishActionResult("jwt_validation", result);
        context.detail(message);
        String challenge = invalid == null ? "Bearer realm=\"burrow\""
                : "Bearer realm=\"burrow\", error=\"invalid_token\", error_description=\"" + quotable(invalid) + "\"";
        return Outcomes.plain(401, "401 Unauthorized", TYPE, List.of(Map.entry("WWW-Authenticate", challenge)));
    }

    private static String quotable(String text) {
        return text.replaceAll("[\"\\\\\\p{Cntrl}]", "_");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
