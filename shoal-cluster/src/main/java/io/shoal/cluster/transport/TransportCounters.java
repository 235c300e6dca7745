package io.shoal.cluster.transport;

/**
 * What a transport did, for metrics and the simulator's figures. Updated on the transport's
 * own thread (or the simulator's) and read from anywhere, hence volatile-free plain longs read
 * as approximations; exact values are only promised in single-threaded simulation.
 */
public final class TransportCounters {

    private volatile long messagesSent;
    private volatile long bytesSent;
    private volatile long messagesReceived;
    private volatile long bytesReceived;
    private volatile long malformedDropped;
    private volatile long oversizedDropped;
    private volatile long unknownTypeDropped;
    private volatile long sendFailures;

    public void sent(int frameBytes) {
        messagesSent++;
        bytesSent += frameBytes;
    }

    public void received(int frameBytes) {
        messagesReceived++;
        bytesReceived += frameBytes;
    }

    public void malformed() {
        malformedDropped++;
    }

    public void oversized() {
        oversizedDropped++;
    }

    public void unknownType() {
        unknownTypeDropped++;
    }

    public void sendFailed() {
        sendFailures++;
    }

    public long messagesSent() {
        return messagesSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long messagesReceived() {
        return messagesReceived;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long malformedDropped() {
        return malformedDropped;
    }

    public long oversizedDropped() {
        return oversizedDropped;
    }

    public long unknownTypeDropped() {
        return unknownTypeDropped;
    }

    public long sendFailures() {
        return sendFailures;
    }

    @Override
    public String toString() {
        return "sent=" + messagesSent + "/" + bytesSent + "B received=" + messagesReceived + "/" + bytesReceived
                + "B malformed=" + malformedDropped + " oversized=" + oversizedDropped + " unknown="
                + unknownTypeDropped + " sendFailures=" + sendFailures;
    }
}
