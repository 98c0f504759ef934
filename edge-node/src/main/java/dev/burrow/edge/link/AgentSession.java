package dev.burrow.edge.link;

import dev.burrow.mux.LinkClosed;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlCodec;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.protocol.StreamOpen;
import dev.burrow.edge.registry.EndpointException;
import dev.burrow.edge.tenancy.Principal;
import dev.burrow.edge.tenancy.TenantAuthenticator;
import dev.burrow.edge.tenancy.TenantSessions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's side of one agent link (one TLS connection): authenticates it within the handshake timeout, answers
 * bind and unbind, and tells the {@link SessionTable} when the link ends. All state is confined to the link's event
 * loop; nothing thrown while handling a message escapes (the link is closed with INTERNAL_ERROR instead).
 */
public final class AgentSession implements AgentLink, TenantSessions.Kickable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);
    static final String AUTH_REFUSED = "the authtoken was not accepted by this edge; check --authtoken";

    /** AUTHENTICATING: from the auth message until its result is sent (token, quota and re-checks in flight). */
    private enum State { AWAITING_AUTH, AUTHENTICATING, READY, CLOSED }

    private final SessionServices services;
    private final StreamMultiplexer mux;
    private final Context context;
    private final String remoteAddress;
    private State state = State.AWAITING_AUTH;
    private volatile String sessionId;
    private Principal principal;
    private long linkEpoch;
    private long handshakeTimer = -1;
    private final LinkEndpoints endpoints;
    private final RefusalNoticeBudget refusalNotices = new RefusalNoticeBudget(System::nanoTime);
    /** Whether the agent asked for {@code edge_nodes} updates, and the list it last got (auth result or update). */
    private boolean pushesEdgeNodes;
    private java.util.List<String> sentEdgeNodes = java.util.List.of();
    /** The agent reads policy trails in OPENs and takes policy refusals. */
    private volatile boolean takesPolicyTrail;

    /** Call on the link's context, right after creating {@code mux} there. */
    public AgentSession(SessionServices services, StreamMultiplexer mux, Context context, String remoteAddress) {
        this.services = services;
        this.mux = mux;
        this.context = context;
        this.endpoints = new LinkEndpoints(services, mux, context);
        this.remoteAddress = remoteAddress;
    }

    /** Starts the link and the handshake timer. */
    public void start() {
        mux.controlHandler(this::onControl);
        mux.closeHandler(this::onClosed);
        mux.incomingStreamHandler(stream -> stream.reset(ErrorCode.PROTOCOL_ERROR, "agents may not open streams to the edge"));
        handshakeTimer = services.vertx().setTimer(ProtocolLimits.HANDSHAKE_TIMEOUT.toMillis(), id -> {
            handshakeTimer = -1;
            if (state == State.AWAITING_AUTH) {
                String message = "no auth message within " + ProtocolLimits.HANDSHAKE_TIMEOUT.toSeconds() + " s of connecting";
                LOG.warn("{}: closing link: {}", mux.name(), message);
                mux.close(ErrorCode.HANDSHAKE_TIMEOUT, message);
            }
        });
        mux.start();
    }

    private void onControl(ControlMessage message) {
        try {
            if (state == State.CLOSED) {
                return;
            }
            if (message instanceof ControlMessage.Auth auth) {
                onAuth(auth);
            } else if (state != State.READY) {
                refuse(ErrorCode.NOT_AUTHENTICATED, "the first control message must be auth, got " + ControlCodec.typeName(message));
            } else if (isEndpointChange(message) && endpoints.isFull()) {
                refuse(ErrorCode.PROTOCOL_ERROR, "the agent sent more than " + ProtocolLimits.MAX_PENDING_ENDPOINT_CHANGES
                        + " bind, unbind or update_policy messages without waiting for their results");
            } else if (message instanceof ControlMessage.Bind bind) {
                endpoints.bind(sessionId, principal, linkEpoch, bind);
            } else if (message instanceof ControlMessage.Unbind unbind) {
                endpoints.unbind(sessionId, unbind);
            } else if (message instanceof ControlMessage.UpdatePolicy update) {
                endpoints.updatePolicy(sessionId, update);
            } else if (message instanceof ControlMessage.Goodbye) {
                onGoodbye();
            } else if (message instanceof ControlMessage.Error error) {
                LOG.warn("{}: agent reports {}: {}", mux.name(), error.code(), error.message());
            } else {
                refuse(ErrorCode.PROTOCOL_ERROR, "agents do not send " + ControlCodec.typeName(message) + " messages");
            }
        } catch (RuntimeException e) {
            LOG.error("{}: internal error while handling a {} message", mux.name(), ControlCodec.typeName(message), e);
            mux.close(ErrorCode.INTERNAL_ERROR, "the edge failed to handle a " + ControlCodec.typeName(message) + " message");
        }
    }

    private static boolean isEndpointChange(ControlMessage message) {
        return message instanceof ControlMessage.Bind || message instanceof ControlMessage.Unbind
                || message instanceof ControlMessage.UpdatePolicy;
    }

    private void onAuth(ControlMessage.Auth auth) {
        if (state != State.AWAITING_AUTH) {
            mux.sendControl(new ControlMessage.Error(ErrorCode.PROTOCOL_ERROR, state == State.READY
                    ? "this link is already authenticated" : "this link is already authenticating"));
            return;
        }
        state = State.AUTHENTICATING;
        cancelHandshakeTimer();
        if (services.draining().getAsBoolean()) {
            String message = "this edge node is draining (stopping) and takes no new agent links; connect to another node";
            mux.sendControl(ControlMessage.AuthResult.refused(ErrorCode.NODE_DRAINING, message));
            closeWith(ErrorCode.NODE_DRAINING, message);
            return;
        }
        String resume = blankToNull(auth.resumeSessionId());
        services.authenticator().authenticate(auth.authtoken())
                .compose(who -> services.tenantSessions().admit(who, resume).map(who))
                .onComplete(ar -> context.runOnContext(v -> {
                    if (state == State.CLOSED || mux.isClosed()) {
                        return;
                    }
                    if (ar.succeeded()) {
                        attach(auth, ar.result(), resume);
                    } else {
                        refuseAuth(ar.cause());
                    }
                }));
    }

    /** Answers a refused auth with its code and sentence, and closes the link. */
    private void refuseAuth(Throwable cause) {
        ErrorCode code;
        String message;
        if (cause instanceof TenantAuthenticator.AuthRefused refused) {
            if (!refused.revoked() && refuseUnknownTokenSpray()) {
                return;
            }
            code = ErrorCode.AUTH_FAILED;
            message = refused.revoked() ? refused.getMessage() : AUTH_REFUSED;
            LOG.warn("{}: refused an agent: authtoken {}", mux.name(), refused.revoked() ? "revoked" : "not accepted");
        } else if (cause instanceof EndpointException refusal) {
            code = refusal.code();
            message = refusal.getMessage();
            LOG.warn("{}: refused an agent: {}", mux.name(), message);
        } else if (cause instanceof dev.burrow.edge.tenancy.TenancyException busy) {
            // The cluster could not decide now (its lock or its store timed out): a temporary refusal, the agent retries.
            code = ErrorCode.STORE_UNAVAILABLE;
            message = busy.getMessage();
            LOG.warn("{}: could not admit an agent: {}", mux.name(), message);
        } else {
            LOG.error("{}: could not check the authtoken", mux.name(), cause);
            code = ErrorCode.STORE_UNAVAILABLE;
            message = "the edge could not check the authtoken now; try again";
        }
        mux.sendControl(ControlMessage.AuthResult.refused(code, message));
        closeWith(code, message);
    }

    /**
     * An unknown token: counted against the remote address, and answered AUTH_RATE_LIMITED (without a log line) once the
     * address sent too many. Only unknown tokens reach here, so a known token is never refused for its neighbours' spray.
     */
    private boolean refuseUnknownTokenSpray() {
        String address = AuthFailureLimiter.hostOf(remoteAddress);
        long blockedFor = services.authFailures().blockedForSeconds(address);
        if (blockedFor == 0) {
            services.authFailures().failed(address);
            return false;
        }
        String message = "too many unknown authtokens from " + address + " lately; try again in " + blockedFor + " s";
        LOG.debug("{}: refused an agent: {}", mux.name(), message);
        mux.sendControl(ControlMessage.AuthResult.refusedFor(ErrorCode.AUTH_RATE_LIMITED, message, blockedFor * 1_000));
        closeWith(ErrorCode.AUTH_RATE_LIMITED, message);
        return true;
    }

    private void attach(ControlMessage.Auth auth, Principal who, String resume) {
        principal = who;
        services.sessions().attach(this, principal.sessionOwnerKey(), resume).onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed()) {
                LOG.error("{}: could not attach the session", mux.name(), ar.cause());
                closeWith(ErrorCode.INTERNAL_ERROR, "the edge could not set up the session; try again");
                return;
            }
            SessionTable.Attachment attachment = ar.result();
            sessionId = attachment.sessionId();
            linkEpoch = attachment.linkEpoch();
            if (state == State.CLOSED || mux.isClosed()) {
                services.sessions().detach(sessionId, this);
                return;
            }
            // Listed (and kickable) from here on; then checked again, so that a revocation or a login racing this
            // one for the tenant's last session slot is not missed between the first checks and the listing.
            services.tenantSessions().opened(this, principal, sessionId, remoteAddress)
                    .compose(listed -> services.tenantSessions().confirm(principal, sessionId, attachment.resumed()))
                    .compose(ok -> services.authenticator().recheck(auth.authtoken()))
                    .onComplete(checked -> context.runOnContext(v2 -> {
                        if (state == State.CLOSED || mux.isClosed()) {
                            return;
                        }
                        if (checked.failed()) {
                            refuseAuth(checked.cause());
                        } else {
                            ready(auth, attachment);
                        }
                    }));
        }));
    }

    private void ready(ControlMessage.Auth auth, SessionTable.Attachment attachment) {
        state = State.READY;
        mux.name("agent-link " + remoteAddress + " session=" + sessionId);
        LOG.info("{}: agent {} authenticated{}", mux.name(), auth.agentVersion() == null ? "" : auth.agentVersion(),
                attachment.resumed() ? (auth.additionalLink() ? " (an extra link of its session)" : " (resumed its session)") : "");
        pushesEdgeNodes = auth.supports(ControlMessage.Auth.FEATURE_EDGE_NODES);
        takesPolicyTrail = auth.supports(ControlMessage.FEATURE_POLICY_TRAIL);
        mux.peerReadsTrailers(auth.supports(ControlMessage.FEATURE_TRAILERS));
        sentEdgeNodes = services.edgeNodes().get();
        mux.sendControl(ControlMessage.AuthResult.accepted(sessionId, services.heartbeatInterval().toMillis(),
                sentEdgeNodes).withFeatures(java.util.List.of(ControlMessage.AuthResult.FEATURE_UPDATE_POLICY, ControlMessage.FEATURE_TRAILERS)));
    }

    /**
     * The agent stops on purpose: its session ends without offline grace, and the endpoints this link serves are removed
     * now, so their names are free at once. The link stays open for the streams in flight; the agent closes it.
     */
    private void onGoodbye() {
        endSession().onComplete(freed -> {
            LOG.info("{}: the agent said goodbye; {} endpoint(s) freed at once", mux.name(), freed.result());
            if (!mux.isClosed()) {
                mux.sendControl(new ControlMessage.GoodbyeResult(freed.result()));
            }
        });
    }

    /**
     * Ends the session on purpose: no offline grace when its link goes, and the endpoints this link serves removed now
     * (straight from served to not found: visitors never see "offline"). Completes on the link's context with how many
     * were removed; never fails.
     */
    private Future<Integer> endSession() {
        services.sessions().ended(sessionId);
        return endpoints.unbindAll(sessionId);
    }

    private void refuse(ErrorCode code, String message) {
        LOG.warn("{}: closing link: {}", mux.name(), message);
        mux.sendControl(new ControlMessage.Error(code, message));
        closeWith(code, message);
    }

    private void closeWith(ErrorCode code, String message) {
        state = State.CLOSED;
        mux.close(code, message);
    }

    private void onClosed(LinkClosed reason) {
        State previous = state;
        state = State.CLOSED;
        cancelHandshakeTimer();
        LOG.info("{}: link closed: {}", mux.name(), reason);
        services.tenantSessions().closed(this);
        if (sessionId != null && previous != State.AWAITING_AUTH) {
            services.sessions().detach(sessionId, this);
        }
    }

    /**
     * The cluster's other nodes changed: an agent that asked for updates gets the new list (on the link's event loop;
     * nothing is sent when the list is what it last got, or before the auth result, which carries the current one).
     */
    public void edgeNodesChanged(java.util.List<String> edgeNodes) {
        context.runOnContext(v -> {
            if (state != State.READY || !pushesEdgeNodes || mux.isClosed() || edgeNodes.equals(sentEdgeNodes)) {
                return;
            }
            sentEdgeNodes = edgeNodes;
            mux.sendControl(new ControlMessage.EdgeNodes(edgeNodes));
            LOG.info("{}: told the agent the other nodes are now {}", mux.name(), edgeNodes);
        });
    }

    /** Closes this link because a newer link took over its session. */
    void closeReplaced() {
        close(ErrorCode.GOING_AWAY, "a newer link of the same agent session replaced this one");
    }

    /** Tells the agent this node is going away (it moves its link elsewhere); the link stays open for open streams. */
    public void goAway(ErrorCode code, String message) {
        mux.goAway(code, message);
    }

    /**
     * An administrator (or a token revocation) closes this link; runs on the link's context. A permanent code (a revoked
     * token, a deleted account) ends the session: its endpoints go at once, with no offline grace, since no agent can
     * resume it.
     */
    @Override
    public void kick(ErrorCode code, String message) {
        context.runOnContext(v -> {
            Future<Integer> ended = code.isTemporary() || sessionId == null ? Future.succeededFuture(0) : endSession();
            ended.onComplete(ar -> {
                mux.sendControl(new ControlMessage.Error(code, message));
                mux.close(code, message);
            });
        });
    }

    /** Who this link acts for (null before authentication). */
    public Principal principal() {
        return principal;
    }

    /** Closes the link (GO_AWAY with the reason, then the socket). */
    public void close(ErrorCode code, String message) {
        mux.close(code, message);
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer >= 0) {
            services.vertx().cancelTimer(handshakeTimer);
            handshakeTimer = -1;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public boolean isOpen() {
        return !mux.isClosed();
    }

    @Override
    public boolean serves(String endpointId) {
        return endpoints.serves(endpointId);
    }

    /** Whether the agent has bound any endpoint over this link yet. */
    public boolean servesAny() {
        return endpoints.servesAny();
    }

    @Override
    public Future<MuxStream> openStream(StreamOpen policyOpen) {
        StreamOpen open = takesPolicyTrail ? policyOpen : policyOpen.withoutPolicyTrail();
        if (((ContextInternal) context).nettyEventLoop().inEventLoop()) {
            return Future.succeededFuture(mux.openStream(open));
        }
        Promise<MuxStream> opened = Promise.promise();
        context.runOnContext(v -> opened.complete(mux.openStream(open)));
        return opened.future();
    }

    @Override
    public Context context() {
        return context;
    }

    /** Streams open on this link. */
    int openStreamCount() {
        return mux.openStreamCount();
    }

    /** The link's name in logs. */
    public String name() {
        return mux.name();
    }

    @Override
    public boolean takesPolicyTrail() {
        return takesPolicyTrail;
    }

    /**
     * Tells the agent something about one of its endpoints that asks no answer (its policy's certificate expired); the
     * agent logs it as a warning. Dropped when the link's write queue is full; any thread.
     */
    public void notice(ErrorCode code, String message) {
        context.runOnContext(v -> {
            if (state == State.READY) {
                mux.offerControl(new ControlMessage.Error(code, message));
            }
        });
    }

    /**
     * Tells the agent a policy refused a request to one of its endpoints, if it asked to know, within the link's budget
     * of such notices and while its write queue has room; any thread.
     */
    public void policyRefused(ControlMessage.PolicyRefusal refusal) {
        if (!takesPolicyTrail) {
            return;
        }
        context.runOnContext(v -> {
            if (state == State.READY && refusalNotices.take() && !mux.offerControl(refusal)) {
                refusalNotices.countDropped();
            }
        });
    }

    /** Policy refusals not told to the agent (over the budget, or the link's write queue full); the link's context. */
    long policyRefusalsDropped() {
        return refusalNotices.dropped();
    }
}
