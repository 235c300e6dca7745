package io.shoal.cluster.failure;

import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who watches whom: the active members on a ring ordered by node ID, each monitoring the b
 * members that follow it, so each is monitored by the b members that precede it.
 *
 * <p>This is Akka's {@code HeartbeatNodeRing}. Every node computes the ring from its own view of
 * membership with the same rule, so when views agree, monitors agree, without a coordinator.
 * Heartbeats cost O(b) per node whatever the cluster size, where Redis Cluster's all-pairs pings
 * cost O(n). Node IDs are random, so ring neighbours are unrelated in address or rack. The
 * default b is Akka's: n-1 below 6 members (everyone watches everyone), else 5.
 */
public final class MonitorRing {

    public static final int MONITORS_DEFAULT = 5;

    private final NodeId[] ring;
    private final int monitorsPerNode;

    private MonitorRing(NodeId[] ring, int monitorsPerNode) {
        this.ring = ring;
        this.monitorsPerNode = monitorsPerNode;
    }

    /** The ring of the active members (not down, not removed) of a state. */
    public static MonitorRing of(ClusterState state, int monitorsMax) {
        List<NodeId> active = new ArrayList<>(state.size());
        state.forEach(node -> {
            if (node.status().isActive()) {
                active.add(node.id());
            }
        });
        return of(active, monitorsMax);
    }

    public static MonitorRing of(List<NodeId> members, int monitorsMax) {
        NodeId[] ring = members.toArray(new NodeId[0]);
        Arrays.sort(ring);
        return new MonitorRing(ring, monitorsPerNode(ring.length, monitorsMax));
    }

    /** b = n-1 below monitorsMax+1 members, else monitorsMax. */
    public static int monitorsPerNode(int members, int monitorsMax) {
        return members <= monitorsMax ? Math.max(0, members - 1) : monitorsMax;
    }

    public int size() {
        return ring.length;
    }

    public int monitorsPerNode() {
        return monitorsPerNode;
    }

    public boolean contains(NodeId id) {
        return Arrays.binarySearch(ring, id) >= 0;
    }

    /** The members the given node heartbeats: its b successors on the ring. */
    public List<NodeId> subjectsOf(NodeId monitor) {
        return neighbours(monitor, 1);
    }

    /** The members that heartbeat the given node: its b predecessors on the ring. */
    public List<NodeId> monitorsOf(NodeId subject) {
        return neighbours(subject, -1);
    }

    private List<NodeId> neighbours(NodeId id, int direction) {
        int index = Arrays.binarySearch(ring, id);
        if (index < 0) {
            return List.of();
        }
        List<NodeId> result = new ArrayList<>(monitorsPerNode);
        for (int step = 1; step <= monitorsPerNode; step++) {
            result.add(ring[Math.floorMod(index + direction * step, ring.length)]);
        }
        return result;
    }

    /** How many monitors must agree before a node is failed: a strict majority of b. */
    public int agreementNeeded() {
        return monitorsPerNode / 2 + 1;
    }

    /** Whether a majority of the subject's monitors say, in this state, it is unreachable. */
    public boolean isFailed(ClusterState state, NodeState subject) {
        if (monitorsPerNode == 0) {
            return false;
        }
        int agreeing = 0;
        for (NodeId monitor : monitorsOf(subject.id())) {
            NodeState monitorState = state.get(monitor);
            if (monitorState != null) {
                var observation = monitorState.observation(subject.id());
                if (observation != null && observation.isUnreachable(subject.incarnation())) {
                    agreeing++;
                }
            }
        }
        return agreeing >= agreementNeeded();
    }
}
