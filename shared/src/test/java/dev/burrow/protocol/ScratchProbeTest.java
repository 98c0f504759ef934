package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import java.util.*;

class ScratchProbeTest {
    static void p(String label, String json) {
        try {
            System.out.println(label + " -> " + ControlCodec.decode(Buffer.buffer(json)));
        } catch (Throwable e) {
            System.out.println(label + " -> " + e.getClass().getSimpleName() + ": " + (e instanceof ProtocolException pe ? pe.code() + " " : "") + e.getMessage());
        }
    }
    @Test
    void probe() throws Exception {
        System.out.println(ControlCodec.encode(new ControlMessage.Bind(7, "http", "a.example", null, 0, "localhost:3000", Map.of("k","v"))).toString());
        System.out.println(ControlCodec.encode(ControlMessage.AuthResult.accepted("s1", 10000)).toString());
        System.out.println(ControlCodec.encode(new ControlMessage.Auth("tok", "0.1", null)).toString());
        System.out.println(ControlCodec.encode(new ControlMessage.BindResult(7, true, "e1", "http://a.localhost:8080", null, null)).toString());
        System.out.println(ControlCodec.encode(new ControlMessage.Error(ErrorCode.AUTH_FAILED, "bad token")).toString());
        System.out.println(ControlCodec.encode(new ControlMessage.Unbind("e1")).toString());
        p("unknown enum", "{\"v\":1,\"type\":\"error\",\"code\":\"SOMETHING_NEW\",\"message\":\"m\"}");
        p("trailing", "{\"v\":1,\"type\":\"unbind\",\"endpointId\":\"x\"} garbage");
        p("two", "{\"v\":1,\"type\":\"unbind\",\"endpointId\":\"x\"}{\"v\":1}");
        p("v true", "{\"v\":true,\"type\":\"unbind\",\"endpointId\":\"x\"}");
        p("v str", "{\"v\":\"1\",\"type\":\"unbind\",\"endpointId\":\"x\"}");
        p("v 1.7", "{\"v\":1.7,\"type\":\"unbind\",\"endpointId\":\"x\"}");
        p("empty", "");
        p("null", "null");
        p("arr", "[]");
        p("port big", "{\"v\":1,\"type\":\"bind\",\"port\":99999999999}");
        p("deep", "{\"v\":1,\"type\":\"bind\",\"options\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        p("code int", "{\"v\":1,\"type\":\"error\",\"code\":100,\"message\":\"m\"}");
        p("code int big", "{\"v\":1,\"type\":\"error\",\"code\":9999,\"message\":\"m\"}");
        p("ok str", "{\"v\":1,\"type\":\"auth_result\",\"ok\":\"yes\"}");
        p("bad utf8", "{\"v\":1,\"type\":\"unbind\",\"endpointId\":\"\u00ff\"}");
        try { System.out.println(ControlCodec.decode(Buffer.buffer(new byte[]{'{','"','v','"',':','1',',','"','t','y','p','e','"',':','"','u','n','b','i','n','d','"',',','"','e','n','d','p','o','i','n','t','I','d','"',':','"',(byte)0xff,(byte)0xfe,'"','}'}))); } catch (Throwable e) { System.out.println("badutf8 " + e); }
        // perf: 1 MiB frame byte-by-byte vs 1400-byte chunks
        Buffer f = FrameEncoder.data(1, Buffer.buffer(new byte[1024*1024]));
        for (int chunk : new int[]{16384, 1400, 100}) {
            FrameDecoder d = new FrameDecoder(false, ProtocolLimits.MAX_FRAME_PAYLOAD);
            long t = System.nanoTime(); int[] n = {0};
            for (int i = 0; i < f.length(); i += chunk) d.feed(f.slice(i, Math.min(f.length(), i + chunk)), fr -> n[0]++);
            System.out.println("chunk " + chunk + ": " + (System.nanoTime() - t) / 1_000_000 + " ms frames=" + n[0]);
        }
        System.out.println(FramePayloads.reset(FrameEncoder.reset(1, ErrorCode.UPSTREAM_ERROR, "a".repeat(1023) + "é").slice(10, 10+1+1024+5 > 0 ? FrameEncoder.reset(1, ErrorCode.UPSTREAM_ERROR, "a".repeat(1023) + "é").length() : 0)).message().getBytes("UTF-8").length);
    }
}
