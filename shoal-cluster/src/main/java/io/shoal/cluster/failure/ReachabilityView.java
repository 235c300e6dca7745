package io.shoal.cluster.failure;

import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.member.Observation;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a node concludes from the observations in its state, in two strengths.
 *
 * <p><b>Failed</b>: a majority of the member's monitors on the ring say it is unreachable. One
 * bad link cannot fail a node, so this is what the member events (Unreachable, Reachable) and
 * the data layer's failover act on, as Redis Cluster acts on FAIL from a majority of masters.
 *
 * <p><b>Unreachable</b>: at least one active observer says so. This is Akka's notion and the
 * one that decides sides during a partition: on the minority side only the few monitors that
 * happen to sit there can complain about a majority node, so requiring a majority there would
 * let the minority believe it sees most of the cluster. The leader rule, convergence and the
 * downing strategy use this one; every failed member is also unreachable.
 *
 * <p>Computed from an immutable state, so it is itself immutable and can be cached per state.
 */
public final class ReachabilityView {

    private final MonitorRing ring;
    private final Set<NodeId> failed;
    private final Set<NodeId> unreachable;

    private ReachabilityView(MonitorRing ring, Set<NodeId> failed, Set<NodeId> unreachable) {
        this.ring = ring;
        this.failed = failed;
        this.unreachable = unreachable;
    }

    public static ReachabilityView of(ClusterState state, int monitorsMax) {
        MonitorRing ring = MonitorRing.of(state, monitorsMax);
        Set<NodeId> unreachable = new HashSet<>();
        state.forEach(observer -> {
            if (!observer.status().isActive() || observer.observations().isEmpty()) {
                return;
            }
            for (Map.Entry<NodeId, Observation> entry : observer.observations().entrySet()) {
                NodeState subject = state.get(entry.getKey());
                if (subject != null && subject.status().isActive()
                        && entry.getValue().isUnreachable(subject.incarnation())) {
                    unreachable.add(subject.id());
                }
            }
        });
        Set<NodeId> failed = new HashSet<>();
        for (NodeId suspect : unreachable) {
            if (ring.isFailed(state, state.get(suspect))) {
                failed.add(suspect);
            }
        }
        return new ReachabilityView(ring, Collections.unmodifiableSet(failed),
                Collections.unmodifiableSet(unreachable));
    }

    public MonitorRing ring() {
        return ring;
    }

    /** Members a majority of their monitors find unreachable. */
    public Set<NodeId> failed() {
        return failed;
    }

    /** Members at least one observer finds unreachable; a superset of {@link #failed()}. */
    public Set<NodeId> unreachable() {
        return unreachable;
    }

    public boolean isFailed(NodeId id) {
        return failed.contains(id);
    }

    public boolean isUnreachable(NodeId id) {
        return unreachable.contains(id);
    }
}
