package dev.burrow.edge.region;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The lookup cache between regions: one lookup per hostname per TTL, shorter for "nowhere", shared while in flight. */
class RegionDirectoryTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Promise<RegionRelays.Answer>> asked = new ArrayList<>();
    private final List<String> hosts = new ArrayList<>();
    private final RegionDirectory directory = new RegionDirectory(host -> {
        hosts.add(host);
        Promise<RegionRelays.Answer> promise = Promise.promise();
        asked.add(promise);
        return promise.future();
    }, now::get);

    @Test
    void aFoundAnswerIsReusedUntilItsTtlIsUp() {
        Future<RegionRelays.Answer> first = directory.find("a.example.com");
        Future<RegionRelays.Answer> whileInFlight = directory.find("a.example.com");
        assertSame(first, whileInFlight, "concurrent requests share one lookup");
        asked.get(0).complete(new RegionRelays.Answer("region:eu", "ep-1"));
        now.addAndGet(RegionDirectory.FOUND_TTL.toNanos() - 1);
        assertEquals("ep-1", directory.find("a.example.com").result().endpointId());
        assertEquals(1, asked.size(), "fresh: no new lookup");
        now.addAndGet(1);
        directory.find("a.example.com");
        assertEquals(2, asked.size(), "expired: asked again");
    }

    @Test
    void aMissingAnswerLivesShorter() {
        directory.find("gone.example.com");
        asked.get(0).complete(null);
        assertNull(directory.find("gone.example.com").result());
        assertEquals(1, asked.size());
        now.addAndGet(RegionDirectory.MISSING_TTL.toNanos());
        directory.find("gone.example.com");
        assertEquals(2, asked.size(), "a hostname bound meanwhile in another region is found after the short TTL");
    }

    @Test
    void theTtlCountsFromTheAnswerAndForgetDropsIt() {
        directory.find("slow.example.com");
        now.addAndGet(RegionDirectory.FOUND_TTL.toNanos() * 2);
        asked.get(0).complete(new RegionRelays.Answer("region:eu", "ep-2"));
        directory.find("slow.example.com");
        assertEquals(1, asked.size(), "a slow answer is still fresh right after it arrived");
        directory.forget("slow.example.com");
        directory.find("slow.example.com");
        assertEquals(2, asked.size());
        assertEquals(List.of("slow.example.com", "slow.example.com"), hosts);
    }

    @Test
    void aFullCacheAsksWithoutRememberingUntilTheSweepFreesIt() {
        RegionDirectory small = new RegionDirectory(host -> {
            hosts.add(host);
            return Future.succeededFuture();
        }, now::get, 2);
        small.find("a.example.com");
        small.find("b.example.com");
        small.find("c.example.com");
        small.find("c.example.com");
        assertEquals(2, small.size(), "bounded");
        assertEquals(List.of("a.example.com", "b.example.com", "c.example.com", "c.example.com"), hosts);
        now.addAndGet(RegionDirectory.MISSING_TTL.toNanos());
        small.sweep();
        assertEquals(0, small.size(), "expired answers are swept");
        small.find("c.example.com");
        small.find("c.example.com");
        assertEquals(5, hosts.size(), "remembered again once there is room");
    }

    @Test
    void pastTheCapOfLookupsInFlightANewNameIsAnsweredNowhereAtOnceAndCounted() {
        RegionDirectory capped = new RegionDirectory(host -> {
            hosts.add(host);
            Promise<RegionRelays.Answer> promise = Promise.promise();
            asked.add(promise);
            return promise.future();
        }, now::get, 100, 2);
        Future<RegionRelays.Answer> one = capped.find("one.example.com");
        capped.find("two.example.com");
        assertSame(one, capped.find("one.example.com"), "joining a lookup in flight costs nothing");
        Future<RegionRelays.Answer> three = capped.find("three.example.com");
        assertNull(three.result(), "the third name is not found, at once");
        assertEquals(List.of("one.example.com", "two.example.com"), hosts, "and never asked");
        assertEquals(1, capped.shedCount());
        assertEquals(2, capped.inFlight());

        asked.get(0).complete(new RegionRelays.Answer("region:eu", "ep-1"));
        assertEquals(1, capped.inFlight());
        capped.find("three.example.com");
        assertEquals(3, hosts.size(), "a shed name was not remembered as missing: asked once there is room");
        assertEquals(1, capped.shedCount());
    }
}
