package dev.burrow.agent.api;

import io.vertx.core.Future;

/** Starts and stops endpoints at run time, for {@code POST /api/tunnels} and {@code DELETE /api/tunnels/:name}. */
public interface TunnelControl {

    /**
     * Opens the endpoint; fails with {@link TunnelRequest.Refused} carrying the HTTP status to answer (400 for a bad
     * request, 409 for a name in use, 503 before the session is up), or with the edge's refusal.
     */
    Future<TunnelInfo> start(TunnelRequest request);

    /** Closes the endpoint named {@code name}; {@code false} when there is none. */
    Future<Boolean> stop(String name);

    /**
     * Replaces the traffic policy of the running endpoint {@code name} (null removes it) without rebinding it; fails with
     * {@link TunnelRequest.Refused}: 404 when there is none, 400 when the edge cannot compile the document (its message
     * reads {@code traffic_policy:LINE:COL: what}; the old policy stays).
     */
    default Future<TunnelInfo> updatePolicy(String name, String document) {
        return Future.failedFuture(new TunnelRequest.Refused(405, "this agent does not change policies at run time"));
    }

    /** For an agent API without run-time control: every start is refused with 405. */
    TunnelControl NONE = new TunnelControl() {
        @Override
        public Future<TunnelInfo> start(TunnelRequest request) {
            return Future.failedFuture(new TunnelRequest.Refused(405, "this agent does not start tunnels at run time"));
        }

        @Override
        public Future<Boolean> stop(String name) {
            return Future.failedFuture(new TunnelRequest.Refused(405, "this agent does not stop tunnels at run time"));
        }
    };
}
