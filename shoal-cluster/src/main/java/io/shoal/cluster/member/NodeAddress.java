package io.shoal.cluster.member;

import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * Where a member can be reached: a host, the application's client port, and the cluster bus port
 * (client port + 10000 by default, as in Redis Cluster).
 */
public record NodeAddress(String host, int port, int busPort) {

    public static final int BUS_PORT_OFFSET = 10_000;
    public static final int HOST_LENGTH_MAX = 255;

    public NodeAddress {
        if (host == null || host.isEmpty() || host.length() > HOST_LENGTH_MAX) {
            throw new IllegalArgumentException("host: " + host);
        }
        if (port < 0 || port > 0xFFFF || busPort < 0 || busPort > 0xFFFF) {
            throw new IllegalArgumentException("port: " + port + ", bus port: " + busPort);
        }
    }

    /** An address whose bus port is the client port + 10000. */
    public static NodeAddress of(String host, int port) {
        return new NodeAddress(host, port, port + BUS_PORT_OFFSET);
    }

    /** Parses {@code host:port} or {@code host:port@busPort} (the form CLUSTER NODES prints). */
    public static NodeAddress parse(String text) {
        int at = text.indexOf('@');
        String hostPort = at < 0 ? text : text.substring(0, at);
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected host:port[@busport]: " + text);
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        int busPort = at < 0 ? port + BUS_PORT_OFFSET : Integer.parseInt(text.substring(at + 1));
        return new NodeAddress(hostPort.substring(0, colon), port, busPort);
    }

    /** Whether the two addresses reach the same bus endpoint. */
    public boolean sameBus(NodeAddress other) {
        return busPort == other.busPort && host.equals(other.host);
    }

    public static NodeAddress read(WireReader reader) {
        String host = reader.readString(HOST_LENGTH_MAX);
        return new NodeAddress(host, reader.readShort(), reader.readShort());
    }

    public void write(WireWriter writer) {
        writer.writeString(host).writeShort(port).writeShort(busPort);
    }

    @Override
    public String toString() {
        return host + ":" + port + "@" + busPort;
    }
}
