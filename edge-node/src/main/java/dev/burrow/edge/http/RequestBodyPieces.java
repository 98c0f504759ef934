package dev.burrow.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * The pieces an HTTP/1 request body arrives in, as Netty's decoder cuts them: one per chunk of a chunked body (or per
 * part of a chunk that one read holds), one per read of a Content-Length body. Whatever it carries, each piece would
 * cost a dispatch to Vert.x, a write to the stream and a DATA frame on the agent link, so a body sent in 1-byte chunks
 * ({@code 1\r\nx\r\n}, 6 bytes each) would make the edge, the link and the agent work per byte. The pieces one read
 * holds are {@link #join joined} into one, and a connection's pieces are held to the budget of HTTP/2's small DATA
 * frames ({@link Http2Limits#DATA_FRAME_BURST} at once, then {@link Http2Limits#DATA_FRAMES_PER_SECOND} a second, one
 * more for every {@link Http2Limits#DATA_BYTES_PER_FRAME} bytes they carry, and one for every request head): a body in
 * chunks of 32 bytes or more never runs out of it, nor do keep-alive requests each with a body of one small chunk. One
 * per connection, on its event loop.
 */
final class RequestBodyPieces {
    private FrameBudget budget;

    /** What a client whose body ran out of the budget is told. */
    static HeadRefusal refusal() {
        return HeadRefusal.badRequest("request body in too many small pieces",
                "the request body came in too many small chunks (over " + Http2Limits.DATA_FRAME_BURST + " at once, then "
                        + Http2Limits.DATA_FRAMES_PER_SECOND + " a second, beyond one for every "
                        + Http2Limits.DATA_BYTES_PER_FRAME + " bytes of body they carry)");
    }

    /** A piece of {@code bytes} (at least one) that does not end its body: false once the budget is spent. */
    boolean take(int bytes) {
        long now = System.nanoTime();
        if (budget == null) {
            budget = new FrameBudget(Http2Limits.DATA_FRAME_BURST, Http2Limits.DATA_FRAMES_PER_SECOND,
                    Http2Limits.DATA_BYTES_PER_FRAME, now);
        }
        budget.earn(bytes);
        return budget.take(now);
    }

    /** A request head arrived: it pays for one piece, so that a body of one small chunk costs nothing. */
    void headArrived() {
        if (budget != null) {
            budget.earnOne();
        }
    }

    /** Whether {@code message} is a piece of a body that does not end it (the end is bounded by the requests). */
    static boolean isPiece(Object message) {
        return message instanceof HttpContent && !(message instanceof LastHttpContent);
    }

    /**
     * Replaces each run of body pieces in {@code out}, from {@code from} on, by one piece holding their bytes: in an
     * unpooled heap buffer, which Vert.x takes as it is (a pooled one it would copy again).
     */
    static void join(List<Object> out, int from) {
        for (int i = from; i < out.size(); i++) {
            if (!isPiece(out.get(i))) {
                continue;
            }
            int end = i + 1;
            while (end < out.size() && isPiece(out.get(end))) {
                end++;
            }
            if (end - i >= 2) {
                out.set(i, joined(out.subList(i, end)));
                out.subList(i + 1, end).clear();
            }
        }
    }

    private static HttpContent joined(List<Object> pieces) {
        int total = 0;
        for (Object piece : pieces) {
            total += ((HttpContent) piece).content().readableBytes();
        }
        ByteBuf bytes = Unpooled.buffer(total);
        for (Object piece : pieces) {
            ByteBuf content = ((HttpContent) piece).content();
            bytes.writeBytes(content, content.readerIndex(), content.readableBytes());
            content.release();
        }
        return new DefaultHttpContent(bytes);
    }

    /** Releases the body pieces in {@code out} from {@code from} on and removes them; other messages stay. */
    static void drop(List<Object> out, int from) {
        for (int i = out.size() - 1; i >= from; i--) {
            if (isPiece(out.get(i))) {
                ((HttpContent) out.remove(i)).release();
            }
        }
    }
}
