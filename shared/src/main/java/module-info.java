/**
 * The wire protocol shared by the edge and the agent: frames, control messages, the stream multiplexer. Open, so
 * that Jackson may read and write the control records.
 */
open module dev.burrow.shared {
    exports dev.burrow.protocol;
    exports dev.burrow.mux;
    exports dev.burrow.net;

    requires transitive io.vertx.core;
    requires transitive io.netty.buffer;
    requires io.netty.common;
    requires io.netty.handler;
    requires transitive io.netty.transport;
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires jdk.net;
    requires org.slf4j;
}
