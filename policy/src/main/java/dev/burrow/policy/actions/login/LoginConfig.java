package dev.burrow.policy.actions.login;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.SessionKeys;
import dev.burrow.policy.actions.ActionConfig;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** Reads and checks the config keys both login actions share. */
final class LoginConfig {
    static final Duration DEFAULT_MAX_SESSION = Duration.ofDays(7);
    static final Duration DEFAULT_IDLE = Duration.ofHours(12);
    private static final Pattern AUTH_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private LoginConfig() {
    }

    /** {@code providerUrl}: the issuer URL, or the authorize URL of a plain OAuth provider. */
    static LoginSettings settings(ActionConfig config, String resultKey, String defaultAuthId, String providerUrl,
                                  String clientId) throws PolicyException {
        String authId = config.text("auth_id", defaultAuthId);
        if (!AUTH_ID.matcher(authId).matches()) {
            throw config.problem("auth_id", "'" + authId + "' must be 1 to 32 of a-z, 0-9, _ and - (it names cookies and paths)");
        }
        Duration maxSession = config.duration("max_session_duration", DEFAULT_MAX_SESSION);
        Duration idle = config.duration("idle_session_timeout", DEFAULT_IDLE);
        if (maxSession.toSeconds() < 60) {
            throw config.problem("max_session_duration", "must be at least 1m");
        }
        if (idle.toSeconds() < 60 || idle.compareTo(SessionKeys.OPENS_FOR_AT_LEAST) > 0) {
            throw config.problem("idle_session_timeout", "must be from 1m to " + SessionKeys.OPENS_FOR_AT_LEAST.toHours()
                    + "h (the cookie keys rotate daily and open cookies for " + SessionKeys.OPENS_FOR_AT_LEAST.toHours() + "h)");
        }
        return new LoginSettings(config.type(), resultKey, authId, maxSession, idle, config.bool("allow_cors_preflight", false),
                LoginSettings.binding(config.type(), providerUrl, clientId));
    }

    static String clientId(ActionConfig config) throws PolicyException {
        return nonBlank(config, "client_id");
    }

    static String clientSecret(ActionConfig config) throws PolicyException {
        return nonBlank(config, "client_secret");
    }

    static List<String> scopes(ActionConfig config, List<String> fallback) throws PolicyException {
        List<String> scopes = config.texts("scopes", false);
        for (String scope : scopes) {
            if (scope.isBlank() || scope.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\')) {
                throw config.problem("scopes", "'" + scope + "' is not a scope (no spaces, quotes or backslashes)");
            }
        }
        return scopes.isEmpty() ? fallback : scopes;
    }

    static String url(ActionConfig config, String key) throws PolicyException {
        String url = config.text(key, null).strip();
        try {
            URI uri = URI.create(url);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawFragment() == null) {
                return url;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw config.problem(key, "'" + url + "' is not an http(s) URL");
    }

    private static String nonBlank(ActionConfig config, String key) throws PolicyException {
        String value = config.text(key, null);
        if (value.isBlank()) {
            throw config.problem(key, "must not be empty");
        }
        return value;
    }
}
