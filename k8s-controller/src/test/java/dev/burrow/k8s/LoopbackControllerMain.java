package dev.burrow.k8s;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@link ControllerMain} as a test runs it in its own JVM: Services reached on loopback, each "name" (or "name:port")
 * at the port given in {@code TEST_SERVICE_PORTS} ({@code web=41234,api:8080=41235}) instead of through cluster DNS.
 */
public final class LoopbackControllerMain {
    private LoopbackControllerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> services = Arrays.stream(System.getenv().getOrDefault("TEST_SERVICE_PORTS", "").split(","))
                .filter(entry -> entry.contains("="))
                .collect(Collectors.toMap(entry -> entry.substring(0, entry.indexOf('=')),
                        entry -> Integer.parseInt(entry.substring(entry.indexOf('=') + 1))));
        ControllerMain.run(System.getenv(), ControllerTestBed.toLoopback(services));
    }
}
