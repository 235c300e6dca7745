package io.shoal.cluster.failure;

import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.node.NodeContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Heartbeats this node's subjects on the {@link MonitorRing} and turns their silence into
 * observations.
 *
 * <p>Each tick the node sends a {@link Heartbeat} to each of its b subjects and, for each, asks
 * its {@link PhiAccrualFailureDetector} whether the replies still arrive on time. A change of
 * verdict is written as an {@link io.shoal.cluster.member.Observation} in this node's own state
 * and spreads by gossip; whether the subject is failed is then decided by every node from the
 * observations of all its monitors (a majority), not by this one link. Replies, not requests,
 * feed the detector, so a one-way broken link is caught too. When the ring changes, a node
 * that stops monitoring a subject withdraws any complaint about it, so no stale record outlives
 * the monitoring that justified it.
 */
public final class ClusterHeartbeat {

    private final NodeContext node;
    private final PhiAccrualFailureDetector.Settings detectorSettings;
    private final Map<NodeId, Watch> watches = new HashMap<>();
    private long sequence;

    private static final class Watch {
        final Incarnation incarnation;
        final PhiAccrualFailureDetector detector;

        Watch(Incarnation incarnation, PhiAccrualFailureDetector detector) {
            this.incarnation = incarnation;
            this.detector = detector;
        }
    }

    public ClusterHeartbeat(NodeContext node, PhiAccrualFailureDetector.Settings detectorSettings) {
        this.node = node;
        this.detectorSettings = detectorSettings;
    }

    /** The nodes this node currently monitors. */
    public Set<NodeId> subjects() {
        return Set.copyOf(watches.keySet());
    }

    /** One heartbeat tick: follow the ring, judge each subject, send the next heartbeats. */
    public void tick() {
        long now = node.clock().monotonicMillis();
        ClusterState state = node.state();
        List<NodeId> subjects = node.view().ring().subjectsOf(node.selfId());
        Set<NodeId> current = new HashSet<>(subjects);
        Iterator<Map.Entry<NodeId, Watch>> entries = watches.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<NodeId, Watch> entry = entries.next();
            NodeState subject = state.get(entry.getKey());
            if (!current.contains(entry.getKey()) || subject == null
                    || !subject.incarnation().equals(entry.getValue().incarnation)) {
                entries.remove();
                if (subject != null) {
                    node.observe(entry.getKey(), subject.incarnation(), true);
                }
            }
        }
        sequence++;
        for (NodeId subjectId : subjects) {
            NodeState subject = state.get(subjectId);
            Watch watch = watches.get(subjectId);
            if (watch == null) {
                watch = new Watch(subject.incarnation(), new PhiAccrualFailureDetector(detectorSettings, now));
                watches.put(subjectId, watch);
            }
            // Writes only when the verdict changes; an unchanged record costs nothing.
            node.observe(subjectId, subject.incarnation(), watch.detector.isAvailable(now));
            node.send(subjectId, new Heartbeat(node.selfId(), sequence));
        }
    }

    /** A monitor asks whether this node is alive; the answer names this node's incarnation. */
    public void onHeartbeat(Heartbeat heartbeat, io.shoal.cluster.member.NodeAddress replyTo) {
        NodeState self = node.state().get(node.selfId());
        if (self != null) {
            node.send(replyTo, new HeartbeatReply(node.selfId(), self.incarnation(), heartbeat.sequence()));
        }
    }

    public void onReply(HeartbeatReply reply) {
        Watch watch = watches.get(reply.from());
        // A reply from another life of the subject says nothing about the one being watched.
        if (watch != null && reply.incarnation().equals(watch.incarnation)) {
            watch.detector.heartbeat(node.clock().monotonicMillis());
        }
    }

    /** The current suspicion level of a subject, for metrics and tests; NaN if not monitored. */
    public double phi(NodeId subject) {
        Watch watch = watches.get(subject);
        return watch == null ? Double.NaN : watch.detector.phi(node.clock().monotonicMillis());
    }
}
