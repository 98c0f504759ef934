package dev.burrow.agent.internal;

import dev.burrow.agent.SessionOptions;
import dev.burrow.mux.LinkClosed;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.FramePayloads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The links of one session: {@code links} slots, each keeping one link to a distinct edge node. The first slot dials
 * the first-contact addresses; once a link is up, the other slots dial nodes that every live link's node lists as
 * another node, so no two links share a node. A cluster smaller than {@code links} leaves the extra slots idle
 * (no dialing, no log). A lost link is redialed with its slot's backoff; while the session has no live link only one
 * slot dials. A link whose node sends GO_AWAY is replaced first and closed once its streams are done. When a node
 * sends a new list of the other nodes ({@code edge_nodes}, as members join or leave), idle slots try again, so a
 * node that joins later gets its link without a restart.
 * Every timer belongs to a slot and {@link #close()} cancels them. Confined to the session's context.
 */
final class LinkPool {
    /** What the pool needs from its session, and what it tells it. */
    interface Session {
        /**
         * Dials {@code address}, authenticates ({@code additional}: the session has another live link, so this one
         * joins it) and binds every endpoint; fails (having closed the link) if any of that fails.
         */
        Future<EdgeLink> establish(String address, boolean additional);

        /** {@code link} is up with every endpoint bound; {@code alive} counts the session's live links, it included. */
        void linkUp(EdgeLink link, int alive);

        /** The node of {@code link} sent GO_AWAY: a replacement is being dialed, the link finishes its streams. */
        void linkDraining(EdgeLink link);

        /**
         * {@code link} is gone; {@code alive} live links remain. {@code retryIn} is when its slot dials again, or
         * null when it does not (another slot dials, or the node was replaced already).
         */
        void linkGone(EdgeLink link, LinkClosed reason, int alive, Duration retryIn);

        /** An attempt failed. Returns false when the failure is fatal: the session then closes the pool. */
        boolean attemptFailed(String address, Throwable cause, int alive, Duration retryIn);
    }

    private final Vertx vertx;
    private final SessionOptions options;
    private final Session session;
    private final EdgeNodes nodes;
    private final List<Slot> slots = new ArrayList<>();
    private final Set<EdgeLink> draining = new LinkedHashSet<>();
    private boolean closed;

    LinkPool(Vertx vertx, SessionOptions options, Session session) {
        this.vertx = vertx;
        this.options = options;
        this.session = session;
        this.nodes = new EdgeNodes(options.serverAddresses());
        for (int i = 0; i < options.links(); i++) {
            slots.add(new Slot(i));
        }
    }

    void start() {
        slots.get(0).attempt();
    }

    /** Links that serve and take new binds: up, and not told to go away. */
    List<EdgeLink> upLinks() {
        List<EdgeLink> up = new ArrayList<>();
        for (Slot slot : slots) {
            if (slot.state == State.UP) {
                up.add(slot.link);
            }
        }
        return up;
    }

    /** Every link that still carries streams: up ones and ones finishing their streams after GO_AWAY. */
    List<EdgeLink> liveLinks() {
        List<EdgeLink> live = upLinks();
        live.addAll(draining);
        return live;
    }

    int alive() {
        return upLinks().size() + draining.size();
    }

    /**
     * Dials no more and reports no more losses (the session is stopping): the live links stay up until the session
     * closes them or {@link #close()} does.
     */
    void stopDialing() {
        closed = true;
        for (Slot slot : slots) {
            slot.cancelTimers();
        }
    }

    /** Cancels every timer and closes every link; completes when the links are closed. */
    Future<Void> close() {
        closed = true;
        List<Future<LinkClosed>> gone = new ArrayList<>();
        for (Slot slot : slots) {
            slot.cancelTimers();
        }
        for (EdgeLink link : liveLinks()) {
            link.close(ErrorCode.NO_ERROR, "agent closing");
            gone.add(link.closed());
        }
        return Future.join(gone).mapEmpty();
    }

    private String chooseAddress(Slot asking) {
        List<EdgeLink> live = liveLinks();
        if (live.isEmpty()) {
            for (Slot slot : slots) {
                if (slot != asking && slot.state == State.DIALING) {
                    return null;
                }
            }
            return nodes.firstContact();
        }
        Set<String> busy = new HashSet<>();
        for (Slot slot : slots) {
            if (slot != asking && (slot.state == State.DIALING || slot.state == State.UP)) {
                busy.add(slot.address);
            }
        }
        List<List<String>> listed = new ArrayList<>();
        for (EdgeLink link : live) {
            busy.add(link.address());
            listed.add(EdgeNodes.normalise(link.edgeNodes()));
        }
        return nodes.another(listed, busy);
    }

    /** A node sent a new list of the other nodes: learn them, and let idle slots dial one they can now reach. */
    private void edgeNodesChanged(EdgeLink link) {
        if (closed) {
            return;
        }
        nodes.learn(EdgeNodes.normalise(link.edgeNodes()));
        wakeIdleSlots();
    }

    private void wakeIdleSlots() {
        for (Slot slot : slots) {
            if (slot.state == State.IDLE && !closed) {
                slot.attempt();
            }
        }
    }

    /** The session has no live link left: only {@code retrying} keeps dialing, the others wait until it is up. */
    private void stopOtherRetries(Slot retrying) {
        for (Slot slot : slots) {
            if (slot != retrying && slot.state == State.WAITING) {
                slot.cancelTimers();
                slot.state = State.IDLE;
            }
        }
    }

    private enum State { IDLE, WAITING, DIALING, UP }

    /** One link's place: its state, its backoff and timers, and the link it is replacing after a GO_AWAY. */
    private final class Slot {
        private final int index;
        private final Backoff backoff;
        private State state = State.IDLE;
        private String address;
        private EdgeLink link;
        private EdgeLink replacing;
        private Duration pendingDelay = Duration.ZERO;
        private long retryTimer = -1;
        private long stableTimer = -1;

        Slot(int index) {
            this.index = index;
            this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff(), ThreadLocalRandom.current()::nextDouble);
        }

        void attempt() {
            retryTimer = -1;
            if (closed) {
                return;
            }
            String target = chooseAddress(this);
            if (target == null) {
                state = State.IDLE;
                releaseReplaced();
                return;
            }
            state = State.DIALING;
            address = target;
            session.establish(target, alive() > 0).onComplete(ar -> {
                if (ar.succeeded()) {
                    up(ar.result());
                } else {
                    failed(target, ar.cause());
                }
            });
        }

        private void up(EdgeLink newLink) {
            if (closed) {
                newLink.close(ErrorCode.NO_ERROR, "agent is closing");
                return;
            }
            state = State.UP;
            link = newLink;
            nodes.succeeded(address);
            nodes.learn(EdgeNodes.normalise(newLink.edgeNodes()));
            newLink.closed().onComplete(ar -> lost(newLink, ar.result()));
            newLink.goingAway().onSuccess(goAway -> goingAway(newLink, goAway));
            newLink.edgeNodesHandler(LinkPool.this::edgeNodesChanged);
            stableTimer = vertx.setTimer(Math.max(1, options.stablePeriod().toMillis()), id -> {
                stableTimer = -1;
                backoff.reset();
            });
            session.linkUp(newLink, alive());
            releaseReplaced();
            wakeIdleSlots();
        }

        private void failed(String target, Throwable cause) {
            if (closed) {
                return;
            }
            nodes.failed(target);
            Duration delay = backoff.nextDelay();
            if (cause instanceof dev.burrow.agent.BurrowException refusal && refusal.retryAfter() != null
                    && refusal.retryAfter().compareTo(delay) > 0) {
                delay = refusal.retryAfter(); // the edge said when it takes logins again: sooner is refused anyway
            }
            if (!session.attemptFailed(target, cause, alive(), delay) || closed) {
                return;
            }
            releaseReplaced();
            scheduleAttempt(delay);
        }

        private void lost(EdgeLink lostLink, LinkClosed reason) {
            if (link != lostLink) {
                return;
            }
            link = null;
            state = State.IDLE;
            cancelTimers();
            if (closed) {
                return;
            }
            nodes.failed(address);
            Duration delay = backoff.nextDelay();
            if (alive() == 0) {
                stopOtherRetries(this);
            }
            scheduleAttempt(delay);
            session.linkGone(lostLink, reason, alive(), delay);
        }

        /** GO_AWAY for a drain: dial a replacement first; the old link closes once its streams are done. */
        private void goingAway(EdgeLink old, FramePayloads.GoAway goAway) {
            if (link != old || closed) {
                return;
            }
            if (goAway.code() != ErrorCode.GOING_AWAY && goAway.code() != ErrorCode.NO_ERROR) {
                return; // an error close follows at once and is handled as a loss
            }
            link = null;
            cancelTimers();
            draining.add(old);
            replacing = old;
            old.closed().onComplete(ar -> drained(old, ar.result()));
            scheduleAttempt(backoff.nextDelay());
            session.linkDraining(old);
        }

        private void drained(EdgeLink old, LinkClosed reason) {
            draining.remove(old);
            if (replacing == old) {
                replacing = null;
            }
            if (closed) {
                return;
            }
            nodes.failed(old.address()); // the node is going away: other nodes first next time
            Duration retryIn = null;
            if (state == State.IDLE) {
                retryIn = backoff.nextDelay();
                if (alive() == 0) {
                    stopOtherRetries(this);
                }
                scheduleAttempt(retryIn);
            } else if (state == State.WAITING) {
                retryIn = pendingDelay;
            } else if (state == State.DIALING) {
                retryIn = Duration.ZERO;
            }
            session.linkGone(old, reason, alive(), retryIn);
        }

        /** The replacement is up, or cannot be had now: the old link finishes its streams and closes. */
        private void releaseReplaced() {
            if (replacing != null) {
                replacing.closeWhenIdle("moved to another edge node");
            }
        }

        private void scheduleAttempt(Duration delay) {
            state = State.WAITING;
            pendingDelay = delay;
            retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> attempt());
        }

        void cancelTimers() {
            if (retryTimer >= 0) {
                vertx.cancelTimer(retryTimer);
                retryTimer = -1;
            }
            if (stableTimer >= 0) {
                vertx.cancelTimer(stableTimer);
                stableTimer = -1;
            }
        }

        @Override
        public String toString() {
            return "slot " + index + " " + state + (address == null ? "" : " " + address);
        }
    }

    @Override
    public String toString() {
        return "LinkPool" + slots + ", draining=" + draining.size() + ", " + nodes;
    }
}
