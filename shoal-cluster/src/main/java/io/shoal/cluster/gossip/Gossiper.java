package io.shoal.cluster.gossip;

import io.shoal.cluster.failure.ReachabilityView;
import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.NodeDigest;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.node.NodeContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spreads the {@link ClusterState} by push-pull anti-entropy, in three steps, digests first.
 *
 * <pre>
 *   A                                     B
 *   | -- Syn: 64 bucket hashes, seen ---> |  compares hashes
 *   | <-- Ack: differing buckets, B's --- |
 *   |     digests for them, seen          |
 *   | -- Delta: entries B lacks, -------> |  merges
 *   |     requests for entries A lacks    |
 *   | <-- Delta: requested entries ------ |
 * </pre>
 *
 * <p>Why this shape. Cassandra sends a digest per node in every Syn; at a thousand nodes that is
 * 37 KB a round, over the 20 KB/s budget, to learn in the common case that nothing changed.
 * Comparing 64 bucket hashes first costs 512 bytes and narrows a difference to about n/64
 * nodes; then digests, then only the missing entries, and of an entry only the owner's values
 * above the peer's version. Merges are the lattice merge of {@link NodeState}, so newest wins
 * and repeated or reordered messages are harmless. Lost messages only end an exchange early;
 * the next round repairs it.
 *
 * <p>Partner choice prefers peers that lack recent updates ({@link DisseminationTracker}), and
 * every message carries the sender's {@link SeenSet}, so that the leader learns convergence
 * by the same epidemic that spreads the state.
 *
 * <p>Runs on the node's thread; it holds no clock and no randomness of its own.
 */
public final class Gossiper {

    private final NodeContext node;
    private final GossipSettings settings;
    private final DisseminationTracker tracker;
    private SeenSet seen = SeenSet.only(0, 0, -1);
    private long rounds;
    private ClusterState candidatesState;
    private ReachabilityView candidatesView;
    private List<NodeId> candidates = List.of();

    public Gossiper(NodeContext node, GossipSettings settings) {
        this.node = node;
        this.settings = settings;
        this.tracker = new DisseminationTracker(settings.trackedRoundsMax());
    }

    public long rounds() {
        return rounds;
    }

    public SeenSet seen() {
        return seen;
    }

    /** One gossip round: open an exchange with up to {@code fanout} peers. */
    public void round() {
        rounds++;
        ClusterState state = node.state();
        refreshSeen(state);
        List<NodeId> peers = candidates(state, node.view());
        Set<NodeId> chosen = new LinkedHashSet<>();
        tracker.choosePeers(peers, settings.fanout(), node.random(), chosen);
        for (NodeId peer : chosen) {
            node.send(peer, new GossipSyn(node.selfId(), seen.membershipHash(), seen.bitsUnsafe(),
                    state.bucketHashes()));
        }
        tracker.endRound(peers.size());
    }

    /**
     * Members worth gossiping with: active, found unreachable by nobody, not this node. Cached per
     * state. Gossip spent on an unreachable peer is lost, and across a partition it would starve
     * the side that most needs to agree; an unreachable node still gossips to us, and heartbeats,
     * not gossip, tell when it is back.
     */
    private List<NodeId> candidates(ClusterState state, ReachabilityView view) {
        if (state != candidatesState || view != candidatesView) {
            List<NodeId> list = new ArrayList<>(state.size());
            state.forEach(other -> {
                if (other.status().isActive() && !other.id().equals(node.selfId())
                        && !view.isUnreachable(other.id())) {
                    list.add(other.id());
                }
            });
            candidates = list;
            candidatesState = state;
            candidatesView = view;
        }
        return candidates;
    }

    public void onSyn(GossipSyn syn) {
        GossipSyn.requireBuckets(syn.bucketHashes());
        ClusterState state = node.state();
        refreshSeen(state);
        mergeSeen(syn.from(), syn.membershipHash(), syn.seenBits());
        long differing = 0;
        List<NodeDigest> digests = new ArrayList<>();
        for (int bucket = 0; bucket < ClusterState.BUCKETS; bucket++) {
            if (syn.bucketHashes()[bucket] != state.bucketHash(bucket)) {
                differing |= 1L << bucket;
                for (NodeState entry : state.bucket(bucket)) {
                    digests.add(entry.digest());
                }
            }
        }
        tracker.recordEqualBuckets(syn.from(), differing);
        node.send(syn.from(), new GossipAck(node.selfId(), seen.membershipHash(), seen.bitsUnsafe(), differing,
                digests));
    }

    public void onAck(GossipAck ack) {
        ClusterState state = node.state();
        refreshSeen(state);
        mergeSeen(ack.from(), ack.membershipHash(), ack.seenBits());
        tracker.recordEqualBuckets(ack.from(), ack.differingBuckets());
        if (ack.differingBuckets() == 0) {
            return;
        }
        Map<NodeId, NodeDigest> theirs = new HashMap<>();
        for (NodeDigest digest : ack.digests()) {
            theirs.put(digest.id(), digest);
        }
        List<NodeState> push = new ArrayList<>();
        int budget = settings.deltaBytesMax();
        for (int bucket = 0; bucket < ClusterState.BUCKETS; bucket++) {
            if ((ack.differingBuckets() & (1L << bucket)) == 0) {
                continue;
            }
            for (NodeState mine : state.bucket(bucket)) {
                NodeDigest their = theirs.get(mine.id());
                if (mine.isNewerThan(their) && budget > 0) {
                    NodeState delta = mine.deltaFor(their);
                    if (delta != null) {
                        push.add(delta);
                        budget -= estimatedBytes(delta);
                        tracker.recordHolder(ack.from(), mine.id());
                    }
                }
            }
        }
        List<GossipDelta.Request> requests = new ArrayList<>();
        for (NodeDigest their : ack.digests()) {
            NodeState mine = state.get(their.id());
            if (isNewer(their, mine) && !node.isBanned(their.id(), their.incarnation().value())) {
                requests.add(new GossipDelta.Request(their.id(), mine == null ? null : mine.digest()));
            }
        }
        if (!push.isEmpty() || !requests.isEmpty()) {
            node.send(ack.from(), new GossipDelta(node.selfId(), push, requests));
        }
    }

    public void onDelta(GossipDelta delta) {
        if (!delta.states().isEmpty()) {
            node.mergeFromPeer(delta.from(), delta.states());
        }
        if (delta.requests().isEmpty()) {
            return;
        }
        ClusterState state = node.state();
        List<NodeState> answer = new ArrayList<>();
        int budget = settings.deltaBytesMax();
        for (GossipDelta.Request request : delta.requests()) {
            NodeState mine = state.get(request.id());
            if (mine == null || budget <= 0) {
                continue;
            }
            NodeState part = mine.deltaFor(request.held());
            if (part != null) {
                answer.add(part);
                budget -= estimatedBytes(part);
                tracker.recordHolder(delta.from(), mine.id());
            }
        }
        if (!answer.isEmpty()) {
            node.send(delta.from(), new GossipDelta(node.selfId(), answer, List.of()));
        }
    }

    /**
     * Tells the tracker what changed in a merge or a local write, so it can steer the next rounds.
     * {@code source} is the peer the change came from, or null for a local change.
     */
    public void stateChanged(List<NodeState> changed, NodeId source) {
        for (NodeState state : changed) {
            tracker.recordUpdate(state.digest(), state.id().bucket(ClusterState.BUCKET_BITS), source);
        }
        refreshSeen(node.state());
    }

    /** Restarts the seen set with this node alone when membership changed. */
    private void refreshSeen(ClusterState state) {
        if (seen.membershipHash() != state.membershipHash() || seen.bitsUnsafe().length
                != SeenSet.words(state.size())) {
            seen = SeenSet.only(state.membershipHash(), state.size(), state.indexOf(node.selfId()));
            node.seenChanged();
        }
    }

    private void mergeSeen(NodeId peer, long membershipHash, long[] bits) {
        if (membershipHash != seen.membershipHash()) {
            return;
        }
        SeenSet merged = seen.merge(membershipHash, bits).with(node.state().indexOf(peer));
        if (merged != seen) {
            seen = merged;
            node.seenChanged();
        }
    }

    private static boolean isNewer(NodeDigest their, NodeState mine) {
        if (mine == null) {
            return true;
        }
        int byIncarnation = their.incarnation().compareTo(mine.incarnation());
        if (byIncarnation != 0) {
            return byIncarnation > 0;
        }
        return their.status().ordinal() > mine.status().ordinal() || their.ownerVersion() > mine.ownerVersion();
    }

    /** A cheap upper estimate of an entry's encoded size, for the delta budget. */
    static int estimatedBytes(NodeState state) {
        int bytes = 64 + state.member().address().host().length();
        for (var value : state.applicationState().entrySet()) {
            bytes += 14 + value.getKey().length() + value.getValue().valueLength();
        }
        return bytes + 37 * state.observations().size();
    }
}
