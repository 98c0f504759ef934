package dev.burrow.edge.tls.acme;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The server name (SNI) and the ALPN protocols of a TLS ClientHello body (as Netty's ClientHello handlers hand it
 * over: after the handshake header, starting at the client version). Reads without moving the buffer's indexes; a
 * truncated or malformed body gives what was read before the fault.
 */
record ClientHelloFields(String serverName, List<String> alpn) {
    private static final int SERVER_NAME = 0;
    private static final int ALPN = 16;

    static ClientHelloFields of(ByteBuf hello) {
        String serverName = null;
        List<String> alpn = new ArrayList<>();
        int end = hello.writerIndex();
        int at = hello.readerIndex() + 2 + 32;
        try {
            at += 1 + hello.getUnsignedByte(at);
            at += 2 + hello.getUnsignedShort(at);
            at += 1 + hello.getUnsignedByte(at);
            int extensionsEnd = Math.min(end, at + 2 + hello.getUnsignedShort(at));
            at += 2;
            while (at + 4 <= extensionsEnd) {
                int type = hello.getUnsignedShort(at);
                int length = hello.getUnsignedShort(at + 2);
                int data = at + 4;
                if (data + length > extensionsEnd) {
                    break;
                }
                if (type == SERVER_NAME && length >= 5 && hello.getUnsignedByte(data + 2) == 0) {
                    int nameLength = hello.getUnsignedShort(data + 3);
                    if (data + 5 + nameLength <= data + length) {
                        serverName = hello.toString(data + 5, nameLength, StandardCharsets.US_ASCII);
                    }
                } else if (type == ALPN && length >= 2) {
                    int listEnd = Math.min(data + length, data + 2 + hello.getUnsignedShort(data));
                    for (int p = data + 2; p < listEnd; ) {
                        int protocolLength = hello.getUnsignedByte(p);
                        if (p + 1 + protocolLength > listEnd) {
                            break;
                        }
                        alpn.add(hello.toString(p + 1, protocolLength, StandardCharsets.US_ASCII));
                        p += 1 + protocolLength;
                    }
                }
                at = data + length;
            }
        } catch (IndexOutOfBoundsException truncated) {
            // what was read so far stands
        }
        return new ClientHelloFields(serverName, List.copyOf(alpn));
    }
}
