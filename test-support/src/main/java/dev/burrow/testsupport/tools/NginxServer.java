package dev.burrow.testsupport.tools;

import dev.burrow.testsupport.TempDirs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * nginx serving a directory on 127.0.0.1 with keep-alive and sendfile, from its own prefix and configuration in a
 * temporary directory. It runs in the foreground as one process ({@code master_process off}), so the PID the harness
 * holds is all there is to stop.
 */
public final class NginxServer implements AutoCloseable {

    private final ToolProcess process;
    private final Path prefix;
    private final int port;

    private NginxServer(ToolProcess process, Path prefix, int port) {
        this.process = process;
        this.prefix = prefix;
        this.port = port;
    }

    /** {@code served} must be world-readable (see {@link ServedFiles}): nginx may drop to {@code nobody}. */
    public static NginxServer serve(Path served) {
        return start(served, "");
    }

    /**
     * nginx storing the body of every PUT under {@code stored} (its WebDAV module reads a body whole before it answers,
     * 201 or 204), and logging each request as {@code METHOD URI STATUS REQUEST_LENGTH} ({@link #accessLog}): the bytes
     * it received of each request, head and body framing included, also of one cut off. {@code stored} must be writable
     * by {@code nobody}.
     */
    public static NginxServer storingPuts(Path stored) {
        return start(stored, """
                        dav_methods PUT;
                        create_full_put_path on;
                        client_max_body_size 0;
                        access_log %s/logs/access.log lengths;
                """);
    }

    /** The access log's lines so far (only {@link #storingPuts} writes one). */
    public List<String> accessLog() {
        try {
            Path log = prefix.resolve("logs").resolve("access.log");
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NginxServer start(Path served, String serverLines) {
        Path nginx = Tools.require("nginx");
        Path prefix = createPrefix();
        try {
            ToolProcess.Listening listening = ToolProcess.startOnFreePort("nginx", prefix, port -> {
                Files.writeString(prefix.resolve("nginx.conf"), config(prefix, served, port, serverLines.formatted(prefix)));
                return List.of(nginx.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                        "-e", "stderr");
            });
            return new NginxServer(listening.process(), prefix, listening.port());
        } catch (RuntimeException | Error e) {
            TempDirs.deleteRecursively(prefix);
            throw e;
        }
    }

    private static Path createPrefix() {
        try {
            Path prefix = Files.createTempDirectory("burrow-nginx-");
            Files.createDirectories(prefix.resolve("logs"));
            Files.createDirectories(prefix.resolve("temp"));
            return prefix;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String config(Path prefix, Path served, int port, String serverLines) {
        Path temp = prefix.resolve("temp");
        return """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log stderr warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    log_format lengths '$request_method $request_uri $status $request_length';
                    sendfile on;
                    tcp_nopush on;
                    keepalive_timeout 65s;
                    keepalive_requests 100000;
                    client_body_temp_path %2$s/client;
                    proxy_temp_path %2$s/proxy;
                    fastcgi_temp_path %2$s/fastcgi;
                    uwsgi_temp_path %2$s/uwsgi;
                    scgi_temp_path %2$s/scgi;
                    default_type application/octet-stream;
                    server {
                        listen 127.0.0.1:%3$d;
                        root %4$s;
                %5$s
                    }
                }
                """.formatted(prefix, temp, port, served, serverLines);
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public ToolProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
        TempDirs.deleteRecursively(prefix);
    }
}
