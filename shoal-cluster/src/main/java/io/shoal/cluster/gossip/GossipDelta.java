package io.shoal.cluster.gossip;

import io.shoal.cluster.member.NodeDigest;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries one side lacks (push) and the requests for entries the sender lacks (pull).
 *
 * <p>A request carries what the requester holds of the node, if anything, so that the answer
 * holds only the owner's values above it. The answer to a delta with requests is a delta
 * without requests, which ends the exchange.
 */
public record GossipDelta(NodeId from, List<NodeState> states, List<Request> requests) implements ProtocolMessage {

    public static final int STATES_MAX = 1 << 16;

    /** A wish for a node's entry; {@code held} is the requester's digest of it, or null. */
    public record Request(NodeId id, NodeDigest held) {
    }

    @Override
    public int type() {
        return MessageTypes.GOSSIP_DELTA;
    }

    @Override
    public void write(WireWriter writer) {
        from.write(writer);
        writer.writeInt(states.size());
        for (NodeState state : states) {
            state.write(writer);
        }
        writer.writeInt(requests.size());
        for (Request request : requests) {
            request.id().write(writer);
            if (request.held() == null) {
                writer.writeByte(0);
            } else {
                writer.writeByte(1);
                request.held().write(writer);
            }
        }
    }

    public static GossipDelta read(WireReader reader) {
        NodeId from = NodeId.read(reader);
        int stateCount = reader.readCount(STATES_MAX, "states");
        List<NodeState> states = new ArrayList<>(Math.min(stateCount, 1024));
        for (int i = 0; i < stateCount; i++) {
            states.add(NodeState.read(reader));
        }
        int requestCount = reader.readCount(STATES_MAX, "requests");
        List<Request> requests = new ArrayList<>(Math.min(requestCount, 1024));
        for (int i = 0; i < requestCount; i++) {
            NodeId id = NodeId.read(reader);
            int present = reader.readByte();
            NodeDigest held = present == 0 ? null : NodeDigest.read(reader);
            if (held != null && !held.id().equals(id)) {
                throw new io.shoal.cluster.transport.MalformedMessageException("request digest for another node");
            }
            requests.add(new Request(id, held));
        }
        reader.expectEnd();
        return new GossipDelta(from, List.copyOf(states), List.copyOf(requests));
    }
}
