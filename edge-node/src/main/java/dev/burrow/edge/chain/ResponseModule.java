package dev.burrow.edge.chain;

import dev.burrow.policy.Verdict;

/**
 * One step of the response phase: the agent's response head passes it before any of it is sent. Edit
 * {@link Exchange#responseHeaders()} and {@link Exchange#responseStatus()}, or replace the response with a
 * {@link Verdict.Respond} (the agent's body is dropped) or {@link Verdict.Close}. Synchronous: nothing may wait here.
 */
public interface ResponseModule {

    Verdict onResponse(Exchange exchange);
}
