package io.shoal.cluster.join;

import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Gets this node admitted to a cluster, following Akka's seed-node rules.
 *
 * <p>Every node that is not yet a member sends a {@link JoinRequest} to the seeds, and to any
 * address it was told to meet, every {@code retryMillis}, until a member welcomes it. Only the
 * first seed in the configured list may form a new cluster, and only when no other seed has
 * welcomed it within {@code firstSeedTimeoutMillis}: so when the whole cluster starts at once a
 * single cluster forms, around the first seed, and when the first seed restarts into a running
 * cluster it joins that cluster instead of forming a second one. A seed that is not a member
 * answers "not a member", which does not count as an answer: it is waiting too.
 *
 * <p>The limit of the rule, as in Akka: if the first seed restarts while every other seed is down,
 * it forms a new cluster beside the old one. Configure several seeds.
 */
public final class Joiner {

    /** What the joiner needs from its node. */
    public interface Host {
        long nowMillis();

        NodeState selfState();

        void send(NodeAddress to, JoinRequest request);

        /** Forms a new cluster of one, this node up. */
        void formCluster();
    }

    public static final int TARGETS_MAX = 64;
    /** Targets asked per attempt: enough to get past a dead seed, few enough not to flood. */
    public static final int TARGETS_PER_ATTEMPT = 3;

    private final Host host;
    private final List<NodeAddress> seeds;
    private final long firstSeedTimeoutMillis;
    private final Set<NodeAddress> extraTargets = new LinkedHashSet<>();
    private final boolean firstSeed;
    private long startedAtMillis = -1;
    private boolean active;
    private long attempts;

    public Joiner(Host host, NodeAddress self, List<NodeAddress> seeds, long firstSeedTimeoutMillis) {
        this.host = host;
        this.seeds = List.copyOf(seeds);
        this.firstSeedTimeoutMillis = firstSeedTimeoutMillis;
        this.firstSeed = !seeds.isEmpty() && seeds.get(0).sameBus(self);
    }

    public boolean isFirstSeed() {
        return firstSeed;
    }

    public boolean isActive() {
        return active;
    }

    public long attempts() {
        return attempts;
    }

    /** Starts (or restarts, after being downed) trying to join; {@code known} are extra targets. */
    public void start(List<NodeAddress> known) {
        active = true;
        startedAtMillis = host.nowMillis();
        for (NodeAddress address : known) {
            addTarget(address);
        }
        attempt();
    }

    /** Adds an address to try, as CLUSTER MEET does. */
    public void addTarget(NodeAddress address) {
        if (extraTargets.size() < TARGETS_MAX && !seeds.contains(address)) {
            extraTargets.add(address);
        }
    }

    public void joined() {
        active = false;
    }

    /** One attempt: called at start and every retry interval while not joined. */
    public void attempt() {
        if (!active) {
            return;
        }
        attempts++;
        NodeState self = host.selfState();
        List<NodeAddress> targets = new ArrayList<>();
        for (NodeAddress seed : seeds) {
            if (!seed.sameBus(self.member().address())) {
                targets.add(seed);
            }
        }
        for (NodeAddress extra : extraTargets) {
            if (!extra.sameBus(self.member().address())) {
                targets.add(extra);
            }
        }
        if (firstSeed && extraTargets.isEmpty()
                && (targets.isEmpty() || host.nowMillis() - startedAtMillis >= firstSeedTimeoutMillis)) {
            active = false;
            host.formCluster();
            return;
        }
        if (seeds.isEmpty() && extraTargets.isEmpty()) {
            // Neither seeds nor a peer to meet: a cluster of one, which others may meet later.
            active = false;
            host.formCluster();
            return;
        }
        JoinRequest request = new JoinRequest(self);
        // Rotate through the targets, a few per attempt: a thousand nodes rejoining after a
        // partition heals must not each ask every member they remember.
        int count = Math.min(TARGETS_PER_ATTEMPT, targets.size());
        for (int i = 0; i < count; i++) {
            host.send(targets.get((int) ((attempts * TARGETS_PER_ATTEMPT + i) % targets.size())), request);
        }
    }
}
