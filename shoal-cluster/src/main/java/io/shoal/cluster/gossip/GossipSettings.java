package io.shoal.cluster.gossip;

/**
 * How gossip runs: every {@code intervalMillis} a node opens an exchange with {@code fanout}
 * peers; one delta carries at most {@code deltaBytesMax} bytes of entries (the rest follows in
 * later rounds); an update is steered toward peers that lack it for at most
 * {@code trackedRoundsMax} rounds.
 */
public record GossipSettings(long intervalMillis, int fanout, int deltaBytesMax, int trackedRoundsMax) {

    public static final GossipSettings DEFAULT = new GossipSettings(1_000, 3, 256 * 1024, 30);

    public GossipSettings {
        if (intervalMillis < 1 || fanout < 1 || deltaBytesMax < 1024 || trackedRoundsMax < 1) {
            throw new IllegalArgumentException("gossip settings: " + intervalMillis + ", " + fanout + ", "
                    + deltaBytesMax + ", " + trackedRoundsMax);
        }
    }
}
