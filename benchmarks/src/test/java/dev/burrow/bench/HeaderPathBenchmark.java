package dev.burrow.bench;

import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.ProtocolException;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The heads of one exchange from the received headers to the headers the other side writes: on the edge, hop-by-hop
 * fields dropped and X-Forwarded-* added, the OPEN payload encoded; on the agent, decoded into the headers of the
 * upstream request. The response head the other way, with its hop-by-hop fields dropped.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderPathBenchmark {

    @Benchmark
    public MultiMap requestHead() throws ProtocolException {
        HttpRequestHead head = new HttpRequestHead("GET", "/index.html?utm_source=bench",
                HeaderPath.forwarded(ExchangeShapes.RECEIVED_REQUEST_HEADERS, "203.0.113.7", "https", "demo.burrow.example.com"));
        StreamOpen received = StreamOpen.decode(StreamOpen.http("ep_5mX2uQ8rT1vW3yZ6", "203.0.113.7:51234", head).encode());
        return toHeaders(received.requestHead().headers());
    }

    @Benchmark
    public MultiMap responseHead() throws ProtocolException {
        HttpResponseHead received = HttpResponseHead.decode(ExchangeShapes.RESPONSE_HEAD.encode());
        return toHeaders(HeaderPath.withoutHopByHop(received.headers(), 0));
    }

    private static MultiMap toHeaders(Iterable<Map.Entry<String, String>> entries) {
        MultiMap headers = HttpHeaders.headers();
        for (Map.Entry<String, String> header : entries) {
            headers.add(header.getKey(), header.getValue());
        }
        return headers;
    }
}
