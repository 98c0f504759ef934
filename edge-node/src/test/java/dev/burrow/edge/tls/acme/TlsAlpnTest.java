package dev.burrow.edge.tls.acme;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pieces of TLS-ALPN-01: the SNI and ALPN protocols read from a real ClientHello (the JDK's), and the challenge
 * context (a self-signed certificate with the acmeIdentifier extension, offered under acme-tls/1).
 */
class TlsAlpnTest {
    @Test
    void theServerNameAndAlpnProtocolsOfARealClientHelloAreRead() throws Exception {
        ClientHelloFields fields = ClientHelloFields.of(clientHelloBody("web.example.com", "acme-tls/1", "h2"));
        assertEquals("web.example.com", fields.serverName());
        assertEquals(List.of("acme-tls/1", "h2"), fields.alpn());
        ClientHelloFields none = ClientHelloFields.of(clientHelloBody(null));
        assertNull(none.serverName());
        assertEquals(List.of(), none.alpn());
        ByteBuf truncated = clientHelloBody("web.example.com", "acme-tls/1");
        truncated.writerIndex(60);
        assertNull(ClientHelloFields.of(truncated).serverName(), "a truncated hello gives what it holds, no exception");
    }

    @Test
    void theChallengeContextOffersOnlyAcmeTls1() throws Exception {
        SslContext context = TlsAlpnAnswers.build("web.example.com", new byte[32]);
        assertTrue(context.isServer());
        assertEquals(List.of("acme-tls/1"), context.applicationProtocolNegotiator().protocols());
    }

    /** The ClientHello body (after the record and handshake headers) a JDK client sends. */
    private static ByteBuf clientHelloBody(String serverName, String... alpn) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        if (serverName != null) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        parameters.setApplicationProtocols(alpn);
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        out.position(5 + 4);
        return Unpooled.wrappedBuffer(out.slice());
    }
}
