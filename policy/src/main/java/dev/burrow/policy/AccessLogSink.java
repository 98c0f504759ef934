package dev.burrow.policy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Where the {@code log} action writes its fields: the edge's access log. The default writes one line per event to
 * the {@code burrow.policy.log} logger.
 */
@FunctionalInterface
public interface AccessLogSink {

    void record(Map<String, Object> fields);

    static AccessLogSink logger() {
        Logger log = LoggerFactory.getLogger("burrow.policy.log");
        return fields -> log.info("{}", fields);
    }
}
