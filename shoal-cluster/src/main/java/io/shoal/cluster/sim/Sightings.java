package io.shoal.cluster.sim;

import java.util.BitSet;

/** Which nodes have seen one fact (say, "X is up"), and when the first and the latest did. */
final class Sightings {

    final BitSet observers = new BitSet();
    long firstMillis = -1;
    long lastMillis = -1;

    void seen(int observer, long nowMillis) {
        if (observers.get(observer)) {
            return;
        }
        observers.set(observer);
        if (firstMillis < 0) {
            firstMillis = nowMillis;
        }
        lastMillis = nowMillis;
    }

    /** Whether every node in {@code live} has seen it. */
    boolean seenByAll(BitSet live) {
        BitSet missing = (BitSet) live.clone();
        missing.andNot(observers);
        return missing.isEmpty();
    }
}
