package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.engine.Phase;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every action type Burrow implements, with the phases it may run in and how it is built from its config. Adding an
 * action is one class and one line here. Any other type, ngrok's included, is refused by name.
 */
public final class ActionCatalog {

    /** Builds an action from its config, validating all of it. */
    @FunctionalInterface
    public interface Factory {
        Action create(ActionConfig config) throws PolicyException;
    }

    public record Entry(String type, Set<Phase> phases, Factory factory) {
    }

    private static final Set<Phase> ANY = EnumSet.allOf(Phase.class);
    private static final Set<Phase> HTTP = EnumSet.of(Phase.REQUEST, Phase.RESPONSE);
    private static final Set<Phase> REQUEST = EnumSet.of(Phase.REQUEST);
    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        add(AddHeadersAction.TYPE, HTTP, AddHeadersAction::create);
        add(BasicAuthAction.TYPE, REQUEST, BasicAuthAction::create);
        add(CircuitBreakerAction.TYPE, REQUEST, CircuitBreakerAction::create);
        add(CloseConnectionAction.TYPE, ANY, CloseConnectionAction::create);
        add(CompressResponseAction.TYPE, EnumSet.of(Phase.RESPONSE), CompressResponseAction::create);
        add(CustomResponseAction.TYPE, HTTP, CustomResponseAction::create);
        add(DenyAction.TYPE, ANY, DenyAction::create);
        add(ForwardInternalAction.TYPE, REQUEST, ForwardInternalAction::create);
        add(JwtValidationAction.TYPE, REQUEST, JwtValidationAction::create);
        add(LogAction.TYPE, ANY, LogAction::create);
        add(dev.burrow.policy.actions.login.OAuthAction.TYPE, REQUEST, dev.burrow.policy.actions.login.OAuthAction::create);
        add(dev.burrow.policy.actions.login.OpenIdConnectAction.TYPE, REQUEST,
                dev.burrow.policy.actions.login.OpenIdConnectAction::create);
        add(RateLimitAction.TYPE, REQUEST, RateLimitAction::create);
        add(RedirectAction.TYPE, HTTP, RedirectAction::create);
        add(RemoveHeadersAction.TYPE, HTTP, RemoveHeadersAction::create);
        add(RestrictIpsAction.TYPE, EnumSet.of(Phase.CONNECT, Phase.REQUEST), RestrictIpsAction::create);
        add(SetVarsAction.TYPE, ANY, SetVarsAction::create);
        add(TerminateTlsAction.TYPE, EnumSet.of(Phase.CONNECT), TerminateTlsAction::create);
        add(UrlRewriteAction.TYPE, REQUEST, UrlRewriteAction::create);
        add(VerifyWebhookAction.TYPE, REQUEST, VerifyWebhookAction::create);
    }

    private ActionCatalog() {
    }

    private static void add(String type, Set<Phase> phases, Factory factory) {
        ENTRIES.put(type, new Entry(type, phases, factory));
    }

    /** The entry for {@code type}, or null when Burrow does not implement it. */
    public static Entry byType(String type) {
        return ENTRIES.get(type);
    }

    public static String supportedTypes() {
        return String.join(", ", ENTRIES.keySet());
    }
}
