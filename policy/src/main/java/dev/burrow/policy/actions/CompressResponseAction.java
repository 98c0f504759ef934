package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.RequestViews;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code compress-response}: compresses the response body with the coding the client prefers among
 * {@code algorithms} (gzip, deflate and br, br only where brotli4j's native library loads; compress is accepted in
 * the list, as ngrok documents it, and never chosen). Skipped for a response that is already encoded, of a type that is already compressed (images other than
 * SVG, audio, video, archives, woff2), smaller than {@value #MIN_BYTES} bytes by its Content-Length, without a body
 * (HEAD, 1xx, 204, 304), partial (206), or marked {@code no-transform}. When it compresses: Content-Encoding set,
 * Content-Length removed, {@code Vary: Accept-Encoding} added, a strong ETag made weak.
 */
final class CompressResponseAction implements Action {
    static final String TYPE = "compress-response";
    static final int MIN_BYTES = 1024;
    private static final Set<String> IMPLEMENTED = BrotliSupport.available()
            ? Set.of("gzip", "deflate", "br") : Set.of("gzip", "deflate");
    private static final Set<String> ACCEPTED = Set.of("gzip", "deflate", "br", "compress");
    private static final Set<String> COMPRESSED_TYPES = Set.of("application/zip", "application/gzip",
            "application/x-gzip", "application/zstd", "application/x-7z-compressed", "application/x-rar-compressed",
            "application/x-bzip2", "application/x-xz", "font/woff2", "application/pdf");

    private final List<String> offered;

    private CompressResponseAction(List<String> offered) {
        this.offered = offered;
    }

    static Action create(ActionConfig config) throws PolicyException {
        List<String> offered = new ArrayList<>();
        for (DocumentNode item : config.items("algorithms", false)) {
            String coding = String.valueOf(item.scalar()).toLowerCase(Locale.ROOT);
            if (!ACCEPTED.contains(coding)) {
                throw config.problem(item, "algorithms: '" + coding + "' is not one of gzip, deflate, br, compress");
            }
            if (IMPLEMENTED.contains(coding)) {
                offered.add(coding);
            }
        }
        if (!config.has("algorithms")) {
            for (String coding : List.of("gzip", "br", "deflate")) {
                if (IMPLEMENTED.contains(coding)) {
                    offered.add(coding);
                }
            }
        }
        config.finish();
        return new CompressResponseAction(List.copyOf(offered));
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        PolicyResponse response = context.response();
        String skip = reasonToSkip(context, response);
        String coding = skip == null ? AcceptEncoding.choose(context.request().header("accept-encoding"), offered) : null;
        if (coding == null) {
            context.detail(skip == null ? "client accepts none of " + offered : skip);
            return Outcomes.PROCEED;
        }
        response.removeHeader("content-length");
        response.removeHeader("content-encoding");
        response.addHeader("Content-Encoding", coding);
        addVary(response);
        String etag = response.header("etag");
        if (etag != null && !etag.startsWith("W/")) {
            response.removeHeader("etag");
            response.addHeader("ETag", "W/" + etag);
        }
        context.setResponseBodyEncoder(StreamingCompressor.forCoding(coding));
        context.detail(coding);
        return Outcomes.PROCEED;
    }

    private static String reasonToSkip(EvaluationContext context, PolicyResponse response) {
        int status = response.status();
        if (context.request().method().equalsIgnoreCase("HEAD") || status < 200 || status == 204 || status == 304) {
            return "no body";
        }
        if (status == 206) {
            return "partial content";
        }
        String encoding = response.header("content-encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            return "already encoded (" + encoding + ")";
        }
        String cacheControl = response.header("cache-control");
        if (cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-transform")) {
            return "no-transform";
        }
        long length = RequestViews.contentLength(response.header("content-length"));
        if (length >= 0 && length < MIN_BYTES) {
            return "small body (" + length + " bytes)";
        }
        return alreadyCompressedType(response.header("content-type")) ? "compressed content type" : null;
    }

    static boolean alreadyCompressedType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (type.startsWith("image/")) {
            return !type.equals("image/svg+xml");
        }
        return type.startsWith("video/") || type.startsWith("audio/") || COMPRESSED_TYPES.contains(type);
    }

    private static void addVary(PolicyResponse response) {
        String vary = response.header("vary");
        if (vary == null) {
            response.addHeader("Vary", "Accept-Encoding");
        } else if (!vary.toLowerCase(Locale.ROOT).contains("accept-encoding") && !vary.strip().equals("*")) {
            response.removeHeader("vary");
            response.addHeader("Vary", vary + ", Accept-Encoding");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
