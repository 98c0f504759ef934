package dev.burrow.mux;

import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FramePayloads;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.burrow.mux.MuxTesting.await;
import static dev.burrow.mux.MuxTesting.awaitCondition;
import static dev.burrow.mux.MuxTesting.randomPayload;
import static dev.burrow.mux.MuxTesting.tcpOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Receive windows widen only as far as the link's and the process's widening budgets allow, and give their share back
 * when their reader falls behind, when the peer's data ends, or when the link goes. A raw peer plays the sender and
 * checks each WINDOW_UPDATE's increment.
 */
class WideningBudgetTest extends MuxLinkTest {
    private static final int WINDOW = ProtocolLimits.INITIAL_STREAM_WINDOW;
    private static final int MIB = 1024 * 1024;
    private final Buffer chunk = randomPayload(9, ProtocolLimits.MAX_DATA_PAYLOAD);

    @Test
    void theStreamsOfALinkWidenTheirWindowsOnlyAsFarAsTheLinkBudgetAllows() {
        startServer(MIB, WindowBudget.standalone(64 * MIB), Duration.ofHours(1));  // every reader counts as fast
        Sender peer = new Sender(server.connectRaw());
        StreamMultiplexer link = server.nextLink();

        peer.open(1);
        assertEquals(WINDOW / 2 + WINDOW, peer.sendCreditAndTakeUpdate(1), "doubled to 1 MiB: 512 KiB of the budget");
        assertEquals(MIB / 2 + MIB / 2, peer.sendCreditAndTakeUpdate(1), "widened by the 512 KiB left, not by 1 MiB");
        assertEquals(MIB, link.widenedWindowBytes());

        peer.open(3);
        assertEquals(List.of(WINDOW / 2, WINDOW / 2), peer.sendCreditAndTakeUpdates(3, 2), "the budget is spent: no widening");

        peer.halfClose(1);  // no more DATA on stream 1: its share goes back
        awaitCondition("stream 1 gave its widening back", () -> link.widenedWindowBytes() == 0);
        assertEquals(WINDOW / 2 + WINDOW, peer.sendCreditAndTakeUpdate(3), "stream 3 widens now");
        assertFalse(link.isClosed());
    }

    @Test
    void theLinksOfAProcessWidenOnlyAsFarAsTheProcessBudgetAllowsAndALinkThatGoesGivesItsShareBack() {
        WindowBudget node = WindowBudget.standalone(MIB);
        startServer(ProtocolLimits.LINK_WIDENING_BUDGET, node, Duration.ofHours(1));
        Sender first = new Sender(server.connectRaw());
        StreamMultiplexer firstLink = server.nextLink();
        Sender second = new Sender(server.connectRaw());

        first.open(1);
        assertEquals(WINDOW / 2 + WINDOW, first.sendCreditAndTakeUpdate(1));
        assertEquals(MIB / 2 + MIB / 2, first.sendCreditAndTakeUpdate(1), "the process's budget allows only 512 KiB more");
        assertEquals(MIB, node.taken());

        second.open(1);
        assertEquals(List.of(WINDOW / 2, WINDOW / 2), second.sendCreditAndTakeUpdates(1, 2), "the process's budget is spent");

        first.close();
        await(firstLink.closeFuture());
        awaitCondition("the closed link's share is back", () -> node.taken() == 0);
        assertEquals(WINDOW / 2 + WINDOW, second.sendCreditAndTakeUpdate(1), "the other link's stream widens now");
    }

    /**
     * A reader that was fast and then takes far longer than the growth period for half its window (here every reader
     * is slow once the growth floor is 0 and the link measured no round trip) halves its window with each credit
     * update until it is back at its start size: the credit for that part is not returned, and its share of the
     * budget goes back.
     */
    @Test
    void aWidenedWindowNarrowsBackToItsStartWhenItsReaderFallsBehind() {
        WindowBudget node = WindowBudget.standalone(64 * MIB);
        startServer(ProtocolLimits.LINK_WIDENING_BUDGET, node, Duration.ofHours(1));
        Sender peer = new Sender(server.connectRaw());
        StreamMultiplexer link = server.nextLink();
        peer.open(1);
        assertEquals(WINDOW / 2 + WINDOW, peer.sendCreditAndTakeUpdate(1));
        assertEquals(MIB / 2 + MIB, peer.sendCreditAndTakeUpdate(1));
        assertEquals(MIB + MIB / 2, link.widenedWindowBytes(), "a 2 MiB window");

        await(link.windowGrowthFloor(Duration.ZERO));
        List<Integer> increments = new ArrayList<>();
        while (increments.size() < 8 && (increments.isEmpty() || increments.get(increments.size() - 1) != WINDOW / 2)) {
            increments.add(peer.sendCreditAndTakeUpdate(1));
        }
        assertEquals(0, link.widenedWindowBytes(), "back at the initial window; increments " + increments);
        assertEquals(0, node.taken());
        assertEquals(WINDOW / 2, increments.get(increments.size() - 1), "half a start window per update again: " + increments);
        assertEquals(WINDOW / 2, peer.sendCreditAndTakeUpdate(1), "and it stays there");
        assertEquals(WINDOW / 2, peer.sendCreditAndTakeUpdate(1), "and it stays there");
        assertFalse(link.isClosed());
    }

    private void startServer(int linkBudget, WindowBudget node, Duration growthFloor) {
        server = new MuxTestServer(vertx, MuxTesting.quietOptions("test").withWideningBudgets(linkBudget, node), link -> {
            link.windowGrowthFloor(growthFloor);
            link.incomingStreamHandler(stream -> stream.handler(b -> { }));
        });
    }

    /** A raw peer that opens streams and sends DATA up to the credit it holds on each. */
    private final class Sender {
        private final RawPeer peer;
        private final Map<Integer, Long> credit = new HashMap<>();

        Sender(RawPeer peer) {
            this.peer = peer;
            peer.sendPreface();
        }

        void open(int streamId) {
            peer.send(FrameEncoder.open(streamId, tcpOpen("widening")));
            credit.put(streamId, (long) WINDOW);
        }

        void halfClose(int streamId) {
            peer.send(FrameEncoder.halfClose(streamId));
        }

        void close() {
            peer.close();
        }

        /** Sends all the stream's credit, in whole DATA frames, and returns the increment of the next update. */
        int sendCreditAndTakeUpdate(int streamId) {
            long left = credit.get(streamId);
            while (left >= chunk.length()) {
                peer.send(FrameEncoder.data(streamId, chunk));
                left -= chunk.length();
            }
            credit.put(streamId, left);
            return takeUpdate(streamId);
        }

        /** The first update after sending the credit, and {@code count - 1} more without sending anything. */
        List<Integer> sendCreditAndTakeUpdates(int streamId, int count) {
            List<Integer> increments = new ArrayList<>();
            increments.add(sendCreditAndTakeUpdate(streamId));
            while (increments.size() < count) {
                increments.add(takeUpdate(streamId));
            }
            return increments;
        }

        private int takeUpdate(int streamId) {
            Frame update = peer.next(FrameType.WINDOW_UPDATE);
            assertEquals(streamId, update.streamId(), "an update for another stream");
            int increment = FramePayloads.windowIncrement(update.payload());
            credit.merge(streamId, (long) increment, Long::sum);
            return increment;
        }
    }
}
