package dev.burrow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * A UDP client measuring an echo service: {@code count} datagrams one after the other from one socket, each waiting up
 * to a timeout for its echo (no retry, so a lost datagram is a missing answer), with the round-trip times and the
 * addresses the answers came from (a visitor checks that the reply comes from where it sent).
 */
public final class UdpProbe {
    private UdpProbe() {
    }

    /** What a run saw: answers that matched their datagram, where they came from, and round-trip percentiles. */
    public record Result(int sent, int answered, Set<String> repliedFrom, long p50Micros, long p99Micros) {
        public double lossPercent() {
            return sent == 0 ? 0 : 100.0 * (sent - answered) / sent;
        }

        @Override
        public String toString() {
            return answered + "/" + sent + " answered (loss " + String.format("%.2f", lossPercent()) + " %), round trip p50 "
                    + p50Micros + " µs, p99 " + p99Micros + " µs, replies from " + repliedFrom;
        }
    }

    public static Result echoRounds(String host, int port, int count, int size, Duration timeout) {
        long[] rtts = new long[count];
        int answered = 0;
        Set<String> from = new TreeSet<>();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout((int) timeout.toMillis());
            InetSocketAddress target = new InetSocketAddress(host, port);
            byte[] buffer = new byte[Math.max(size, 16) + 1024];
            for (int i = 0; i < count; i++) {
                byte[] payload = new byte[size];
                for (int b = 0; b < size; b++) {
                    payload[b] = (byte) (i + b);
                }
                long started = System.nanoTime();
                socket.send(new DatagramPacket(payload, size, target));
                long deadline = started + timeout.toNanos();
                while (System.nanoTime() < deadline) {
                    DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(reply);
                    } catch (SocketTimeoutException lost) {
                        break;
                    }
                    if (Arrays.equals(payload, Arrays.copyOf(buffer, reply.getLength()))) {
                        rtts[answered++] = (System.nanoTime() - started) / 1_000;
                        from.add(reply.getAddress().getHostAddress() + ":" + reply.getPort());
                        break;
                    }
                    // a late echo of an earlier datagram: keep waiting for this one
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] measured = Arrays.copyOf(rtts, answered);
        Arrays.sort(measured);
        return new Result(count, answered, from, percentile(measured, 50), percentile(measured, 99));
    }

    private static long percentile(long[] sorted, int p) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }
}
