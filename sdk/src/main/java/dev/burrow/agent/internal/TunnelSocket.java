package dev.burrow.agent.internal;

import dev.burrow.agent.TunnelConnection;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * A public connection of a tunnel as a {@link Socket}: its streams are the connection's blocking streams and its
 * remote address is the public client's. The socket options of a real socket are accepted and kept (the edge owns
 * the client's TCP connection); no operating-system socket is ever opened.
 */
final class TunnelSocket extends Socket {
    private final TunnelConnection connection;
    private final BlockingInput input;
    private final InetSocketAddress client;
    private volatile boolean closed;
    private volatile boolean inputShut;
    private volatile boolean outputShut;
    private volatile boolean tcpNoDelay = true;
    private volatile boolean keepAlive;
    private volatile int linger = -1;

    TunnelSocket(TunnelConnection connection) {
        this.connection = connection;
        this.input = (BlockingInput) connection.inputStream();
        this.client = clientAddress(connection.clientAddress());
    }

    private static InetSocketAddress clientAddress(String address) {
        try {
            HostPort hostPort = HostPort.parse(address, "client address");
            return new InetSocketAddress(InetAddress.getByName(hostPort.host()), hostPort.port());
        } catch (IllegalArgumentException | UnknownHostException e) {
            return InetSocketAddress.createUnresolved("unknown", 0);
        }
    }

    @Override
    public InputStream getInputStream() throws SocketException {
        requireOpen();
        if (inputShut) {
            throw new SocketException("Socket input is shutdown");
        }
        return input;
    }

    @Override
    public OutputStream getOutputStream() throws SocketException {
        requireOpen();
        if (outputShut) {
            throw new SocketException("Socket output is shutdown");
        }
        return connection.outputStream();
    }

    private void requireOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    @Override
    public void shutdownInput() {
        inputShut = true;
        input.close();
    }

    @Override
    public void shutdownOutput() {
        outputShut = true;
        ((BlockingOutput) connection.outputStream()).close();
    }

    /** Ends our direction and drops what the client still sends, as closing a real socket does. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            input.close();
            ((BlockingOutput) connection.outputStream()).close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean isBound() {
        return true;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public InetAddress getInetAddress() {
        return client.getAddress();
    }

    @Override
    public int getPort() {
        return client.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return client;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout can't be negative");
        }
        input.timeout(timeout);
    }

    @Override
    public int getSoTimeout() {
        return input.timeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) {
        tcpNoDelay = on;
    }

    @Override
    public boolean getTcpNoDelay() {
        return tcpNoDelay;
    }

    @Override
    public void setKeepAlive(boolean on) {
        keepAlive = on;
    }

    @Override
    public boolean getKeepAlive() {
        return keepAlive;
    }

    @Override
    public void setSoLinger(boolean on, int seconds) {
        linger = on ? seconds : -1;
    }

    @Override
    public int getSoLinger() {
        return linger;
    }

    @Override
    public String toString() {
        return "TunnelSocket[" + connection + "]";
    }
}
