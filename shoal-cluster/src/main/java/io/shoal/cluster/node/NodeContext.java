package io.shoal.cluster.node;

import io.shoal.cluster.failure.ReachabilityView;
import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.random.RandomSource;
import io.shoal.cluster.time.Clock;
import io.shoal.cluster.transport.ProtocolMessage;
import java.util.List;

/**
 * What the protocol components of one node (gossip, heartbeats, join) may see and do. The node
 * owns the state; components read it and ask the node to change it, so that every change goes
 * through one place that checks invariants and raises events.
 */
public interface NodeContext {

    NodeId selfId();

    Clock clock();

    RandomSource random();

    ClusterState state();

    ReachabilityView view();

    /** Merges states received from a peer (banned nodes are dropped first). */
    void mergeFromPeer(NodeId peer, List<NodeState> states);

    /** Sends to a member by ID; dropped if the member is unknown. */
    void send(NodeId to, ProtocolMessage message);

    void send(NodeAddress to, ProtocolMessage message);

    /** Whether gossip about this node must be ignored (forgotten or a pruned tombstone). */
    boolean isBanned(NodeId id, long incarnation);

    /** Records this node's own conclusion about a subject it monitors. */
    void observe(NodeId subject, io.shoal.cluster.member.Incarnation subjectIncarnation, boolean reachable);

    /** Called when the seen set grew, since convergence may now hold. */
    void seenChanged();
}
