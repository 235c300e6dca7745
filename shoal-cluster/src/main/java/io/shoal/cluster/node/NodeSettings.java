package io.shoal.cluster.node;

import io.shoal.cluster.failure.MonitorRing;
import io.shoal.cluster.failure.PhiAccrualFailureDetector;
import io.shoal.cluster.gossip.GossipSettings;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.partition.DowningStrategy;
import java.util.List;

/**
 * Everything that tunes one node's protocol, as plain data passed in at construction: no global
 * configuration is read from inside the protocol.
 *
 * @param seeds the seed nodes; the first one alone may form a new cluster
 * @param firstSeedTimeoutMillis how long the first seed waits for another seed to welcome it
 *     before it forms a new cluster
 * @param stableAfterMillis how long the set of unreachable members must stay the same before the
 *     leader of a surviving side downs them
 * @param tombstoneRetentionMillis how long a removed member is kept as a tombstone
 * @param tombstoneBanMillis how long a pruned tombstone's incarnations stay banned
 * @param forgetBanMillis how long a forgotten node is banned (Redis: 60 s)
 * @param viewRefreshMillis the longest delay between a state change and its events
 * @param rejoinWhenDowned whether a node that learns it was downed rejoins with a new incarnation
 */
public record NodeSettings(
        List<NodeAddress> seeds,
        GossipSettings gossip,
        PhiAccrualFailureDetector.Settings detector,
        long heartbeatIntervalMillis,
        int monitorsMax,
        long joinRetryMillis,
        long firstSeedTimeoutMillis,
        long stableAfterMillis,
        long tombstoneRetentionMillis,
        long tombstoneBanMillis,
        long forgetBanMillis,
        long viewRefreshMillis,
        long exitTimeoutMillis,
        boolean rejoinWhenDowned,
        DowningStrategy downingStrategy) {

    public NodeSettings {
        seeds = List.copyOf(seeds);
        if (heartbeatIntervalMillis < 1 || monitorsMax < 1 || joinRetryMillis < 1 || firstSeedTimeoutMillis < 0
                || stableAfterMillis < 0 || viewRefreshMillis < 1 || exitTimeoutMillis < 1) {
            throw new IllegalArgumentException("node settings out of range");
        }
    }

    public static NodeSettings defaults(List<NodeAddress> seeds) {
        return new NodeSettings(seeds, GossipSettings.DEFAULT, PhiAccrualFailureDetector.Settings.DEFAULT, 1_000,
                MonitorRing.MONITORS_DEFAULT, 1_000, 5_000, 10_000, 30_000, 300_000, 60_000, 100, 10_000, true,
                DowningStrategy.keepMajority());
    }

    public NodeSettings withSeeds(List<NodeAddress> newSeeds) {
        return new NodeSettings(newSeeds, gossip, detector, heartbeatIntervalMillis, monitorsMax, joinRetryMillis,
                firstSeedTimeoutMillis, stableAfterMillis, tombstoneRetentionMillis, tombstoneBanMillis,
                forgetBanMillis, viewRefreshMillis, exitTimeoutMillis, rejoinWhenDowned, downingStrategy);
    }

    public NodeSettings withGossip(GossipSettings newGossip) {
        return new NodeSettings(seeds, newGossip, detector, heartbeatIntervalMillis, monitorsMax, joinRetryMillis,
                firstSeedTimeoutMillis, stableAfterMillis, tombstoneRetentionMillis, tombstoneBanMillis,
                forgetBanMillis, viewRefreshMillis, exitTimeoutMillis, rejoinWhenDowned, downingStrategy);
    }

    public NodeSettings withTimeouts(long newFirstSeedTimeoutMillis, long newStableAfterMillis) {
        return new NodeSettings(seeds, gossip, detector, heartbeatIntervalMillis, monitorsMax, joinRetryMillis,
                newFirstSeedTimeoutMillis, newStableAfterMillis, tombstoneRetentionMillis, tombstoneBanMillis,
                forgetBanMillis, viewRefreshMillis, exitTimeoutMillis, rejoinWhenDowned, downingStrategy);
    }

    public NodeSettings withDowningStrategy(DowningStrategy strategy) {
        return new NodeSettings(seeds, gossip, detector, heartbeatIntervalMillis, monitorsMax, joinRetryMillis,
                firstSeedTimeoutMillis, stableAfterMillis, tombstoneRetentionMillis, tombstoneBanMillis,
                forgetBanMillis, viewRefreshMillis, exitTimeoutMillis, rejoinWhenDowned, strategy);
    }
}
