/**
 * The Burrow SDK: serve public endpoints of a Burrow edge from inside a Java application. Only
 * {@code dev.burrow.agent} is API; the link, multiplexing and forwarding machinery behind it is not exported.
 */
module dev.burrow.sdk {
    exports dev.burrow.agent;

    requires transitive io.vertx.core;
    requires transitive dev.burrow.shared;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires org.slf4j;
}
