package dev.burrow.policy.actions.login;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.actions.Action;
import dev.burrow.policy.actions.ActionConfig;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;

import java.util.List;
import java.util.TreeSet;

/**
 * {@code oauth}: visitors log in at a plain OAuth 2.0 provider, one of {@link OAuthEndpoints#PRESETS} by name or any
 * other given by its {@code authorize_url}, {@code token_url} and {@code userinfo_url} ({@link LoginFlow}); the
 * identity comes from the userinfo URL, and later rules read {@code actions.ngrok.oauth.identity.sub / email / name}.
 */
public final class OAuthAction implements Action {
    public static final String TYPE = "oauth";

    private final LoginFlow flow;

    private OAuthAction(LoginFlow flow) {
        this.flow = flow;
    }

    public static Action create(ActionConfig config) throws PolicyException {
        OAuthEndpoints endpoints = endpoints(config);
        String provider = config.has("provider") ? config.text("provider", null).strip().toLowerCase() : "oauth";
        String clientId = LoginConfig.clientId(config);
        String clientSecret = LoginConfig.clientSecret(config);
        List<String> scopes = LoginConfig.scopes(config, endpoints.defaultScopes());
        LoginSettings settings = LoginConfig.settings(config, "oauth", provider, endpoints.authorizeUrl(), clientId);
        config.finish();
        LoginProvider login = VertxLoginProvider.oauth(config.environment().vertx(), config.environment()::fetches,
                provider, endpoints, clientId, clientSecret, scopes);
        return new OAuthAction(new LoginFlow(settings, login, config.environment().authSessions()));
    }

    /** A preset's endpoints, or the three URLs of the generic form; never a mix. */
    static OAuthEndpoints endpoints(ActionConfig config) throws PolicyException {
        boolean generic = config.has("authorize_url") || config.has("token_url") || config.has("userinfo_url");
        if (config.has("provider")) {
            String name = config.text("provider", null).strip().toLowerCase();
            OAuthEndpoints preset = OAuthEndpoints.PRESETS.get(name);
            if (preset == null) {
                throw config.problem("provider", "'" + name + "' is not a provider Burrow knows ("
                        + String.join(", ", new TreeSet<>(OAuthEndpoints.PRESETS.keySet()))
                        + "); for another, leave provider out and give authorize_url, token_url and userinfo_url");
            }
            if (generic) {
                throw config.problem("provider", "give either provider or authorize_url, token_url and userinfo_url, not both");
            }
            return preset;
        }
        if (!generic) {
            throw config.problem("provider", "is required (" + String.join(", ", new TreeSet<>(OAuthEndpoints.PRESETS.keySet()))
                    + "), or give authorize_url, token_url and userinfo_url");
        }
        return new OAuthEndpoints(LoginConfig.url(config, "authorize_url"), LoginConfig.url(config, "token_url"),
                LoginConfig.url(config, "userinfo_url"), List.of());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        return flow.run(context);
    }

    @Override
    public void close() {
        flow.close();
    }
}
