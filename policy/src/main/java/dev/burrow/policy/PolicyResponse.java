package dev.burrow.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The agent's response head, which response-phase actions edit in place before the edge sends it. */
public final class PolicyResponse {
    private int status;
    private final List<Map.Entry<String, String>> headers;

    public PolicyResponse(int status, List<Map.Entry<String, String>> headers) {
        this.status = status;
        this.headers = new ArrayList<>(headers);
    }

    public int status() {
        return status;
    }

    public void setStatus(int status) {
        this.status = status;
    }

    /** Live, editable list. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    public void removeHeader(String name) {
        headers.removeIf(header -> header.getKey().equalsIgnoreCase(name));
    }

    public void addHeader(String name, String value) {
        headers.add(Map.entry(name, value));
    }
}
