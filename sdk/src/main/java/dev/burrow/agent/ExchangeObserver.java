package dev.burrow.agent;

import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;

/**
 * Watches the HTTP exchanges an endpoint forwards (the inspector and the terminal view use it). Every call comes on
 * the exchange's event loop and must return at once: copy what you keep, never hold on to a chunk you were given.
 */
@FunctionalInterface
public interface ExchangeObserver {

    /** A request arrived ({@code head.headers()} as the edge sent them); returns what watches this one exchange. */
    Exchange begin(String clientAddress, String method, String uri, List<Map.Entry<String, String>> headers);

    /** One exchange as it goes: request body chunks, the response head, response body chunks, then end or fail. */
    interface Exchange {
        default void requestBody(Buffer chunk) {
        }

        default void response(int status, String message, List<Map.Entry<String, String>> headers) {
        }

        /**
         * A piece of the response body, valid only during the call: on the lean path to plain-HTTP upstreams it is pooled
         * memory, given back once the link has written it. An observer that keeps bytes copies them
         * ({@code chunk.copy()}, {@code getBytes}) before returning.
         */
        default void responseBody(Buffer chunk) {
        }

        /** The rules the edge's traffic policies evaluated for this exchange and the actions they ran, one line each. */
        default void policyTrail(List<String> lines) {
        }

        /** The response was relayed completely (or, after a 101, the connection was switched). */
        default void end() {
        }

        /** The exchange broke off: upstream unreachable, client gone, upstream reset. */
        default void fail(String reason) {
        }
    }

    Exchange IGNORED = new Exchange() {
    };

    /** Both observers see every exchange. */
    static ExchangeObserver both(ExchangeObserver first, ExchangeObserver second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        return (client, method, uri, headers) -> {
            Exchange a = first.begin(client, method, uri, headers);
            Exchange b = second.begin(client, method, uri, headers);
            return new Exchange() {
                public void requestBody(Buffer chunk) {
                    a.requestBody(chunk);
                    b.requestBody(chunk);
                }

                public void policyTrail(List<String> lines) {
                    a.policyTrail(lines);
                    b.policyTrail(lines);
                }

                public void response(int status, String message, List<Map.Entry<String, String>> h) {
                    a.response(status, message, h);
                    b.response(status, message, h);
                }

                public void responseBody(Buffer chunk) {
                    a.responseBody(chunk);
                    b.responseBody(chunk);
                }

                public void end() {
                    a.end();
                    b.end();
                }

                public void fail(String reason) {
                    a.fail(reason);
                    b.fail(reason);
                }
            };
        };
    }
}
