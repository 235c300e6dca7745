package io.shoal.cluster.api;

import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.node.NodeSettings;
import io.shoal.cluster.transport.FrameCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start a member: where it listens, which seeds it asks, where it keeps its identity, and
 * the protocol settings. Built with {@link #builder()}; defaults follow Redis (client port 6379,
 * bus port + 10000, bind to 127.0.0.1) and the issue (gossip every second to three peers,
 * heartbeats every second, phi threshold 8, acceptable pause 3 s).
 */
public record ClusterConfig(String host, int port, int busPort, List<NodeAddress> seeds, Path identityFile,
        NodeSettings settings, int frameBytesMax, Long randomSeed) {

    public ClusterConfig {
        seeds = List.copyOf(seeds);
        if (frameBytesMax < 1024) {
            throw new IllegalArgumentException("frame bytes max: " + frameBytesMax + " (expected: >= 1024)");
        }
    }

    public NodeAddress address() {
        return new NodeAddress(host, port, busPort);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder with Redis-like defaults. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 6379;
        private int busPort = -1;
        private final List<NodeAddress> seeds = new ArrayList<>();
        private Path identityFile;
        private NodeSettings settings = NodeSettings.defaults(List.of());
        private int frameBytesMax = FrameCodec.FRAME_BYTES_MAX_DEFAULT;
        private Long randomSeed;

        public Builder host(String value) {
            host = value;
            return this;
        }

        /** The application's client port; the bus port defaults to it + 10000. */
        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder busPort(int value) {
            busPort = value;
            return this;
        }

        /** Seed addresses, in order: only the first one may form a new cluster. */
        public Builder seed(NodeAddress address) {
            seeds.add(address);
            return this;
        }

        public Builder seeds(List<NodeAddress> addresses) {
            seeds.addAll(addresses);
            return this;
        }

        /** A file that keeps the node ID and incarnation across restarts (like nodes.conf). */
        public Builder identityFile(Path file) {
            identityFile = file;
            return this;
        }

        public Builder settings(NodeSettings value) {
            settings = value;
            return this;
        }

        public Builder frameBytesMax(int value) {
            frameBytesMax = value;
            return this;
        }

        /** Fixes the member's random seed (tests); by default it is drawn from the OS. */
        public Builder randomSeed(long value) {
            randomSeed = value;
            return this;
        }

        public ClusterConfig build() {
            int bus = busPort >= 0 ? busPort : port + NodeAddress.BUS_PORT_OFFSET;
            return new ClusterConfig(host, port, bus, seeds, identityFile, settings.withSeeds(seeds), frameBytesMax,
                    randomSeed);
        }
    }
}
