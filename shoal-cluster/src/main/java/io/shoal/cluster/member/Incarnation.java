package io.shoal.cluster.member;

/**
 * Tells apart the lives of one node ID: every restart uses a higher incarnation (Cassandra calls
 * it the generation). State written under a higher incarnation replaces all state of lower ones,
 * so a restarted node is never confused with its dead predecessor.
 */
public record Incarnation(long value) implements Comparable<Incarnation> {

    public static final Incarnation FIRST = new Incarnation(1);

    public Incarnation {
        if (value < 1) {
            throw new IllegalArgumentException("incarnation: " + value + " (expected: >= 1)");
        }
    }

    public Incarnation next() {
        return new Incarnation(value + 1);
    }

    public boolean isAfter(Incarnation other) {
        return value > other.value;
    }

    @Override
    public int compareTo(Incarnation other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
