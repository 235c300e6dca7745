package io.shoal.cluster.transport;

import io.shoal.cluster.member.NodeAddress;

/**
 * Receives the payload of one message type. Called on the member's protocol thread: handlers
 * must not block; hand long work to another executor.
 */
@FunctionalInterface
public interface MessageHandler {

    /** @param from the sender's advertised address (host, client port, bus port) */
    void onMessage(NodeAddress from, byte[] payload);
}
