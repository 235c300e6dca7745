package io.shoal.cluster.sim;

import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.random.RandomSource;
import io.shoal.cluster.transport.FrameCodec;
import io.shoal.cluster.transport.MessageHandler;
import io.shoal.cluster.transport.Transport;
import io.shoal.cluster.transport.TransportCounters;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory network with loss, a latency range and partitions, on virtual time.
 *
 * <p>Faults are plain data, as in TigerBeetle's simulator: a loss probability, a latency range,
 * and a side number per node (messages only pass between nodes on the same side). Payloads are
 * the real encoded bytes, so the simulator runs every codec and counts the bytes a real frame
 * would take.
 */
public final class SimNetwork {

    private final VirtualTime time;
    private final RandomSource random;
    private final double loss;
    private final int latencyMinMillis;
    private final int latencyMaxMillis;
    private final Map<NodeAddress, Endpoint> endpoints = new HashMap<>();

    public SimNetwork(VirtualTime time, RandomSource random, double loss, int latencyMinMillis, int latencyMaxMillis) {
        this.time = time;
        this.random = random;
        this.loss = loss;
        this.latencyMinMillis = latencyMinMillis;
        this.latencyMaxMillis = latencyMaxMillis;
    }

    /** A node's connection to the network; {@link #crash()} silences it for good. */
    public final class Endpoint implements Transport {
        private final NodeAddress address;
        private final Map<Integer, MessageHandler> handlers = new HashMap<>();
        private final TransportCounters counters = new TransportCounters();
        private boolean alive = true;
        private int side;

        Endpoint(NodeAddress address) {
            this.address = address;
        }

        @Override
        public NodeAddress localAddress() {
            return address;
        }

        @Override
        public void send(NodeAddress to, int type, byte[] payload) {
            if (!alive) {
                return;
            }
            counters.sent(FrameCodec.frameBytes(address, payload.length));
            Endpoint target = endpoints.get(to);
            if (target == null || random.nextDouble() < loss) {
                return;
            }
            long delay = latencyMinMillis + (latencyMaxMillis > latencyMinMillis
                    ? random.nextInt(latencyMaxMillis - latencyMinMillis + 1) : 0);
            time.after(delay, () -> target.deliver(this, type, payload));
        }

        private void deliver(Endpoint from, int type, byte[] payload) {
            // Sides are checked on arrival, so a cut also drops what was in flight.
            if (!alive || !from.alive || from.side != side) {
                return;
            }
            counters.received(FrameCodec.frameBytes(from.address, payload.length));
            MessageHandler handler = handlers.get(type);
            if (handler == null) {
                counters.unknownType();
                return;
            }
            handler.onMessage(from.address, payload);
        }

        @Override
        public void register(int type, MessageHandler handler) {
            handlers.put(type, handler);
        }

        @Override
        public TransportCounters counters() {
            return counters;
        }

        @Override
        public void close() {
            crash();
        }

        public void crash() {
            alive = false;
            endpoints.remove(address, this);
        }

        public boolean isAlive() {
            return alive;
        }

        public void side(int newSide) {
            side = newSide;
        }

        public int side() {
            return side;
        }
    }

    public Endpoint attach(NodeAddress address) {
        Endpoint endpoint = new Endpoint(address);
        endpoints.put(address, endpoint);
        return endpoint;
    }
}
