package dev.burrow.agent.inspect;

import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange as the inspector kept it; immutable once stored.
 *
 * @param status        0 when no response came (see {@code error})
 * @param durationNanos from the request's arrival to the end of the response (or the failure)
 * @param replayOf      the id of the exchange this one replayed, or null
 */
public record CapturedExchange(String id, String tunnelName, String clientAddress, long startEpochMillis, long durationNanos,
                               String method, String uri, List<Map.Entry<String, String>> requestHeaders,
                               CapturedBody.Body requestBody,
                               int status, String reason, List<Map.Entry<String, String>> responseHeaders,
                               CapturedBody.Body responseBody, String error, String replayOf) {

    /** The path without the query string. */
    public String path() {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
