package dev.burrow.agent.inspect;

import java.util.List;
import java.util.Map;

/**
 * What to send when replaying {@code id}: each field null means "as captured".
 *
 * @param tunnelName the endpoint whose upstream receives it (default: the captured exchange's)
 * @param headers    replaces all request headers when not null
 * @param body       replaces the body when not null
 */
public record ReplayRequest(String id, String tunnelName, String method, String uri,
                            List<Map.Entry<String, String>> headers, byte[] body) {
}
