package io.shoal.cluster.transport;

import io.shoal.cluster.member.NodeAddress;

/**
 * The cluster bus as protocol code sees it: fire-and-forget messages of a type to an address,
 * and handlers per type for what arrives.
 *
 * <p>Delivery is neither guaranteed nor ordered across connections; the protocol is built for
 * loss (every exchange is repaired by the next round). Implementations deliver to handlers on
 * the member's protocol thread and never throw from {@link #send}: a message that cannot be
 * sent is dropped and counted. {@link NettyTransport} speaks TCP; the simulator supplies its
 * own in-memory network.
 */
public interface Transport {

    /** The address this node advertises, which peers use to reach its bus. */
    NodeAddress localAddress();

    void send(NodeAddress to, int type, byte[] payload);

    /** Registers the handler for a message type, replacing any previous one. */
    void register(int type, MessageHandler handler);

    TransportCounters counters();

    void close();
}
