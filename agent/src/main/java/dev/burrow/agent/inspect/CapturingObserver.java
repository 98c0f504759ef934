package dev.burrow.agent.inspect;

import dev.burrow.agent.ExchangeObserver;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;

/** Keeps every exchange of one endpoint in an {@link ExchangeStore}: heads whole, bodies up to a byte limit. */
public final class CapturingObserver implements ExchangeObserver {
    private final ExchangeStore store;
    private final String tunnelName;
    private final int maxBodyBytes;
    private final String replayOf;
    private final CaptureBudget budget;

    /** Body bytes of the exchanges in flight come out of {@code budget} (shared by every endpoint of the agent). */
    public CapturingObserver(ExchangeStore store, String tunnelName, int maxBodyBytes, CaptureBudget budget) {
        this(store, tunnelName, maxBodyBytes, null, budget);
    }

    CapturingObserver(ExchangeStore store, String tunnelName, int maxBodyBytes, String replayOf, CaptureBudget budget) {
        this.store = store;
        this.tunnelName = tunnelName;
        this.maxBodyBytes = maxBodyBytes;
        this.replayOf = replayOf;
        this.budget = budget;
    }

    @Override
    public Exchange begin(String clientAddress, String method, String uri, List<Map.Entry<String, String>> headers) {
        return new Recorder(clientAddress, method, uri, List.copyOf(headers));
    }

    /** One exchange in flight; lives on its event loop, stored once when it ends or fails. */
    private final class Recorder implements Exchange {
        private final long startMillis = System.currentTimeMillis();
        private final long startNanos = System.nanoTime();
        private final String clientAddress;
        private final String method;
        private final String uri;
        private final List<Map.Entry<String, String>> requestHeaders;
        private final CapturedBody requestBody = new CapturedBody(maxBodyBytes, budget);
        private final CapturedBody responseBody = new CapturedBody(maxBodyBytes, budget);
        private int status;
        private String reason;
        private List<Map.Entry<String, String>> responseHeaders = List.of();
        private boolean stored;
        private List<String> policyTrail = List.of();

        Recorder(String clientAddress, String method, String uri, List<Map.Entry<String, String>> requestHeaders) {
            this.clientAddress = clientAddress;
            this.method = method;
            this.uri = uri;
            this.requestHeaders = requestHeaders;
        }

        @Override
        public void policyTrail(List<String> lines) {
            this.policyTrail = lines;
        }

        @Override
        public void requestBody(Buffer chunk) {
            requestBody.add(chunk);
        }

        @Override
        public void response(int status, String message, List<Map.Entry<String, String>> headers) {
            this.status = status;
            this.reason = message;
            this.responseHeaders = List.copyOf(headers);
        }

        @Override
        public void responseBody(Buffer chunk) {
            responseBody.add(chunk);
        }

        @Override
        public void end() {
            store(null);
        }

        @Override
        public void fail(String why) {
            store(why);
        }

        private void store(String error) {
            if (stored) {
                return;
            }
            stored = true;
            store.add(new CapturedExchange(store.nextId(), tunnelName, clientAddress, startMillis, System.nanoTime() - startNanos,
                    method, uri, requestHeaders, requestBody.snapshot(), status, reason, responseHeaders,
                    responseBody.snapshot(), error, replayOf, policyTrail));
        }
    }
}
