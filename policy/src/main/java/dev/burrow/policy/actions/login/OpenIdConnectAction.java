package dev.burrow.policy.actions.login;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.actions.Action;
import dev.burrow.policy.actions.ActionConfig;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;

import java.util.List;

/**
 * {@code openid-connect}: visitors log in at an OpenID provider found by discovery from {@code issuer_url}
 * ({@link LoginFlow}); later rules read {@code actions.ngrok.oidc.identity.sub / email / name}.
 */
public final class OpenIdConnectAction implements Action {
    public static final String TYPE = "openid-connect";
    static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email");

    private final LoginFlow flow;

    private OpenIdConnectAction(LoginFlow flow) {
        this.flow = flow;
    }

    public static Action create(ActionConfig config) throws PolicyException {
        String issuer = LoginConfig.url(config, "issuer_url");
        String clientId = LoginConfig.clientId(config);
        String clientSecret = LoginConfig.clientSecret(config);
        List<String> scopes = LoginConfig.scopes(config, DEFAULT_SCOPES);
        if (!scopes.contains("openid")) {
            throw config.problem("scopes", "must include openid (without it the provider sends no id_token)");
        }
        LoginSettings settings = LoginConfig.settings(config, "oidc", "oidc", issuer, clientId);
        config.finish();
        LoginProvider provider = VertxLoginProvider.openId(config.environment().vertx(), config.environment()::fetches,
                issuer, clientId, clientSecret, scopes);
        return new OpenIdConnectAction(new LoginFlow(settings, provider, config.environment().authSessions()));
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        return flow.run(context);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void close() {
        flow.close();
    }
}
