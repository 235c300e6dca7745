package io.shoal.cluster.partition;

/** What a downing strategy concludes about the side of a partition a node is on. */
public enum PartitionDecision {
    /** Nobody is unreachable: there is no partition to judge. */
    WHOLE,
    /** This side survives; its leader may down the members it cannot reach. */
    SURVIVES,
    /** This side has lost: it must not down anyone, and the data layer should stop writes. */
    LOST;

    public boolean hasLost() {
        return this == LOST;
    }
}
