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
        Path nginx = Tools.require("nginx");
        Path prefix = createPrefix();
        try {
            ToolProcess.Listening listening = ToolProcess.startOnFreePort("nginx", prefix, port -> {
                Files.writeString(prefix.resolve("nginx.conf"), config(prefix, served, port));
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

    private static String config(Path prefix, Path served, int port) {
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
                    }
                }
                """.formatted(prefix, temp, port, served);
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
