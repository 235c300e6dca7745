package io.shoal.cluster.gossip;

import io.shoal.cluster.member.NodeDigest;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.random.RandomSource;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Remembers, for each recent update, which peers are known to hold it, and steers the choice of
 * gossip partners toward those that do not, until all do.
 *
 * <p>This is the optimisation the course asks of plain gossip: picking partners at random
 * wastes rounds on peers that already have the news, most of all near the end, when almost
 * everyone has it (the "last few" tail of epidemic spreading). A peer is known to hold an update
 * when we sent it the entry, when it sent us the entry or a newer one, or when its hash for the
 * entry's bucket equals ours. Knowledge is local and approximate, so peer choice stays random
 * among the candidates, and a tracked update is dropped once every candidate holds it, or after
 * a bounded number of rounds, so the tracker never grows without bound.
 */
final class DisseminationTracker {

    static final int UPDATES_MAX = 64;
    static final int PEER_INDEX_MAX = 1 << 16;
    private static final int SAMPLES_MAX = 12;

    private final int roundsMax;
    private final Map<NodeId, Integer> peerIndex = new HashMap<>();
    private final LinkedHashMap<NodeId, PendingUpdate> pending = new LinkedHashMap<>();

    DisseminationTracker(int roundsMax) {
        this.roundsMax = roundsMax;
    }

    private static final class PendingUpdate {
        final NodeDigest digest;
        final int bucket;
        final BitSet holders = new BitSet();
        int rounds;

        PendingUpdate(NodeDigest digest, int bucket) {
            this.digest = digest;
            this.bucket = bucket;
        }
    }

    int pendingCount() {
        return pending.size();
    }

    /** A node's entry changed here; {@code holder}, if not null, is a peer known to have it. */
    void recordUpdate(NodeDigest digest, int bucket, NodeId holder) {
        pending.remove(digest.id());
        PendingUpdate update = new PendingUpdate(digest, bucket);
        if (holder != null) {
            update.holders.set(indexOf(holder));
        }
        pending.put(digest.id(), update);
        if (pending.size() > UPDATES_MAX) {
            Iterator<NodeId> oldest = pending.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** The peer holds this version of the node's entry, or a newer one. */
    void recordHolder(NodeId peer, NodeId subject) {
        PendingUpdate update = pending.get(subject);
        if (update != null) {
            update.holders.set(indexOf(peer));
        }
    }

    /** The peer's bucket equals ours, so it holds every update in that bucket. */
    void recordEqualBuckets(NodeId peer, long differingBuckets) {
        if (pending.isEmpty()) {
            return;
        }
        int index = indexOf(peer);
        for (PendingUpdate update : pending.values()) {
            if ((differingBuckets & (1L << update.bucket)) == 0) {
                update.holders.set(index);
            }
        }
    }

    /**
     * Chooses up to {@code fanout} distinct peers from the candidates, preferring those that lack
     * the oldest pending updates; the rest at random.
     */
    void choosePeers(List<NodeId> candidates, int fanout, RandomSource random, Set<NodeId> chosen) {
        if (candidates.isEmpty()) {
            return;
        }
        int wanted = Math.min(fanout, candidates.size());
        for (PendingUpdate update : pending.values()) {
            if (chosen.size() >= wanted) {
                break;
            }
            for (int sample = 0; sample < SAMPLES_MAX; sample++) {
                NodeId peer = candidates.get(random.nextInt(candidates.size()));
                if (!chosen.contains(peer) && !update.holders.get(indexOf(peer))) {
                    choose(peer, chosen);
                    break;
                }
            }
        }
        for (int attempt = 0; chosen.size() < wanted && attempt < wanted * 8; attempt++) {
            NodeId peer = candidates.get(random.nextInt(candidates.size()));
            if (!chosen.contains(peer)) {
                choose(peer, chosen);
            }
        }
    }

    /**
     * An exchange compares whole states, so it brings the peer every pending update at once: the
     * peer counts as a holder of all of them. Counting it for one update only would keep a peer
     * that never answers (across a partition) looking like the one that most needs news.
     */
    private void choose(NodeId peer, Set<NodeId> chosen) {
        chosen.add(peer);
        int index = indexOf(peer);
        for (PendingUpdate update : pending.values()) {
            update.holders.set(index);
        }
    }

    /** Ages the pending updates and drops those every candidate holds or that are too old. */
    void endRound(int candidateCount) {
        Iterator<PendingUpdate> updates = pending.values().iterator();
        while (updates.hasNext()) {
            PendingUpdate update = updates.next();
            update.rounds++;
            if (update.rounds >= roundsMax || update.holders.cardinality() >= candidateCount) {
                updates.remove();
            }
        }
    }

    private int indexOf(NodeId peer) {
        Integer index = peerIndex.get(peer);
        if (index == null) {
            if (peerIndex.size() >= PEER_INDEX_MAX) {
                peerIndex.clear();
                pending.clear();
            }
            index = peerIndex.size();
            peerIndex.put(peer, index);
        }
        return index;
    }
}
