package io.shoal.cluster.member;

import io.shoal.cluster.transport.MalformedMessageException;

/**
 * The life cycle of a member, as in Akka Cluster.
 *
 * <p>Statuses form a lattice ordered by declaration: within one incarnation a member only moves
 * forward, so two views merge by keeping the later status. That makes the merge commutative,
 * associative and idempotent, and lets any node (the leader, the downing strategy, the member
 * itself when it leaves) make a move without coordination: whoever moves a member forward, the
 * move wins everywhere. Reachability is kept apart from status; see {@code failure}.
 */
public enum MemberStatus {
    /** Admitted by a member, waiting for the leader to see convergence. */
    JOINING,
    /** A full member. */
    UP,
    /** Asked to leave; the leader will move it to exiting. */
    LEAVING,
    /** About to shut down; the leader will remove it. */
    EXITING,
    /** Declared dead by the downing strategy; the leader will remove it. */
    DOWN,
    /** Gone; kept as a tombstone for a while so that stale gossip cannot bring it back. */
    REMOVED;

    private static final MemberStatus[] VALUES = values();

    public static MemberStatus ofCode(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new MalformedMessageException("member status: " + code + " (expected: < " + VALUES.length + ")");
        }
        return VALUES[code];
    }

    public int code() {
        return ordinal();
    }

    /** The later of two statuses, the lattice join. */
    public MemberStatus max(MemberStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** Whether a member in this status takes part in monitoring and gossip. */
    public boolean isActive() {
        return this != DOWN && this != REMOVED;
    }

    /** Whether the leader rule may pick a member in this status. */
    public boolean canLead() {
        return this == UP || this == LEAVING;
    }

    /** Whether every node must have seen a state before the leader acts (Akka's rule). */
    public boolean countsForConvergence() {
        return this == UP || this == LEAVING || this == EXITING;
    }
}
