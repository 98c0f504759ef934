package dev.burrow.policy.engine;

import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.ResponseBodyEncoder;
import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.VisitorIdentity;
import dev.cel.runtime.CelFunctionResolver;
import dev.cel.runtime.CelVariableResolver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What one connection or exchange carries through its phases: the facts, the editable heads, the variables that
 * {@code set-vars} wrote, the results actions published ({@code actions.*}), the decision trail, and the response
 * encoder chosen. Expressions read it as a {@link CelVariableResolver}. Driven from one event loop at a time.
 */
public final class EvaluationContext implements CelVariableResolver {
    private final ConnectionFacts connection;
    private final PolicyRequest request;
    private PolicyResponse response;
    private Map<String, Object> vars;
    private Map<String, Object> actionResults;
    private final List<TrailEntry> trail = new ArrayList<>(4);
    private Instant now;
    private byte[] clientAddress;
    private CelFunctionResolver functions;
    private ResponseBodyEncoder responseBodyEncoder;
    private List<Consumer<PolicyResponse>> responseObservers;
    private List<String> details;
    private VisitorIdentity visitorIdentity;

    public EvaluationContext(ConnectionFacts connection, PolicyRequest request) {
        this.connection = connection;
        this.request = request;
    }

    @Override
    public Optional<Object> find(String name) {
        PolicyVariables.Variable variable = PolicyVariables.byName(name);
        if (variable == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(variable.read().apply(this));
    }

    public ConnectionFacts connection() {
        return connection;
    }

    /** The request head (null in {@code on_tcp_connect}). */
    public PolicyRequest request() {
        return request;
    }

    /** The response head (null before {@code on_http_response}). */
    public PolicyResponse response() {
        return response;
    }

    public void setResponse(PolicyResponse response) {
        this.response = response;
    }

    public Map<String, Object> vars() {
        if (vars == null) {
            vars = new HashMap<>();
        }
        return vars;
    }

    /** {@code actions.*}: what actions published, as {@code actions.ngrok.<action>.<field>}. */
    public Map<String, Object> actionResults() {
        if (actionResults == null) {
            actionResults = new HashMap<>();
        }
        return actionResults;
    }

    @SuppressWarnings("unchecked")
    public void publishActionResult(String action, Map<String, Object> result) {
        Map<String, Object> ngrok = (Map<String, Object>) actionResults().computeIfAbsent("ngrok", k -> new HashMap<>());
        ngrok.put(action, result);
    }

    public Instant now() {
        if (now == null) {
            now = Instant.now();
        }
        return now;
    }

    /** The client's address bytes (the socket peer or a trusted PROXY-protocol address), or null if unparseable. */
    public byte[] clientAddress() {
        if (clientAddress == null) {
            clientAddress = IpAddresses.parse(connection.clientIp());
        }
        return clientAddress;
    }

    CelFunctionResolver functions() {
        if (functions == null) {
            functions = PolicyFunctions.bindTo(this);
        }
        return functions;
    }

    public ResponseBodyEncoder responseBodyEncoder() {
        return responseBodyEncoder;
    }

    public void setResponseBodyEncoder(ResponseBodyEncoder encoder) {
        this.responseBodyEncoder = encoder;
    }

    /** Runs {@code observer} with the response head when one arrives (circuit-breaker counts outcomes this way). */
    public void whenResponse(Consumer<PolicyResponse> observer) {
        if (responseObservers == null) {
            responseObservers = new ArrayList<>(1);
        }
        responseObservers.add(observer);
    }

    public void notifyResponse(PolicyResponse observed) {
        if (responseObservers != null) {
            responseObservers.forEach(observer -> observer.accept(observed));
        }
    }

    /** A few words for the decision trail about what the running action did ("allowed 203.0.113.9"). */
    public void detail(String text) {
        if (details == null) {
            details = new ArrayList<>(2);
        }
        details.add(text);
    }

    public String takeDetail() {
        if (details == null || details.isEmpty()) {
            return null;
        }
        String joined = String.join("; ", details);
        details.clear();
        return joined;
    }

    /** Who an action proved the visitor to be; the edge hands it to the upstream's identity headers. */
    public VisitorIdentity visitorIdentity() {
        return visitorIdentity;
    }

    /** The first identity proved in an exchange stays, as the first layer's does across layers. */
    public void visitorIdentity(VisitorIdentity identity) {
        if (visitorIdentity == null) {
            visitorIdentity = identity;
        }
    }

    public void addTrail(TrailEntry entry) {
        trail.add(entry);
    }

    public List<TrailEntry> trail() {
        return trail;
    }
}
