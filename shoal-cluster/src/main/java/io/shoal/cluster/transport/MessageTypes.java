package io.shoal.cluster.transport;

/**
 * The message type codes on the cluster bus. Codes below {@link #APPLICATION_FIRST} belong to
 * the membership protocol; applications register their own codes at or above it (the data layer's
 * failover votes, for instance) and get them delivered through the same connections.
 */
public final class MessageTypes {

    public static final int HEARTBEAT = 1;
    public static final int HEARTBEAT_REPLY = 2;
    public static final int GOSSIP_SYN = 10;
    public static final int GOSSIP_ACK = 11;
    public static final int GOSSIP_DELTA = 12;
    public static final int JOIN_REQUEST = 20;
    public static final int JOIN_REPLY = 21;
    public static final int INVITE = 22;

    public static final int APPLICATION_FIRST = 1024;
    public static final int TYPE_MAX = 0xFFFF;

    private MessageTypes() {
    }

    public static boolean isApplicationType(int type) {
        return type >= APPLICATION_FIRST && type <= TYPE_MAX;
    }
}
