/**
 * End-to-end test harness: real processes, real sockets, loopback only, every port from the OS.
 *
 * <ul>
 *   <li>{@link dev.burrow.testsupport.EdgeProcess} starts {@code dev.burrow.edge.EdgeMain} in its own JVM (class path
 *       of the test JVM), waits for {@code Edge node ready}, parses the ports, CA path and authtoken it prints, and
 *       can be killed and restarted on the same ports and data directory.</li>
 *   <li>{@link dev.burrow.testsupport.AgentProcess} starts the CLI ({@code burrow http|tcp …}) against an edge and
 *       parses {@code Forwarding …} and {@code Web interface …}; or launches one that is expected to fail.</li>
 *   <li>{@link dev.burrow.testsupport.Upstream} (HTTP echo, streamed bytes, upload checksum, WebSocket echo) and
 *       {@link dev.burrow.testsupport.TcpEchoServer} (echo that honours half-close) play the local service.</li>
 *   <li>{@link dev.burrow.testsupport.PublicHttpClient} (Vert.x) and {@link dev.burrow.testsupport.RawHttpClient}
 *       (one blocking socket, exact framing) talk to the edge's public port with {@code Host: NAME.localhost:PORT};
 *       {@link dev.burrow.testsupport.AgentApi} reads an agent's {@code /api/tunnels}.</li>
 *   <li>{@link dev.burrow.testsupport.DeterministicBytes} produces and verifies large bodies without holding
 *       them.</li>
 *   <li>{@link dev.burrow.testsupport.ProcessLogsOnFailure} attaches the tail of every process a failed test class
 *       started to the failure; full logs are under {@code target/e2e-logs/<run>/} (system property
 *       {@code burrow.e2e.logDir}), one file per process, each line stamped with the time since its start.</li>
 * </ul>
 * Waits are bounded; cleanup is {@link dev.burrow.testsupport.Closeables#closeAll} in {@code @AfterAll}, and a
 * shutdown hook kills any process a crashed run left behind.
 */
package dev.burrow.testsupport;
