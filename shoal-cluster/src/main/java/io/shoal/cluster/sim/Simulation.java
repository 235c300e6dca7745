package io.shoal.cluster.sim;

import io.shoal.cluster.node.NodeSettings;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real membership protocol for N nodes in one thread on virtual time.
 *
 * <p>Everything random (node IDs, peer choice, timer offsets, message loss and latency, which
 * node crashes) is drawn from one seed, and time advances only from event to event, so a seed
 * and a commit reproduce a run exactly, and a thousand nodes run faster than real time. Each
 * run first forms the cluster through the protocol itself (every node joins through node 0,
 * the first seed, within the first two seconds), then plays its scenario for the given number
 * of virtual seconds, while checkers count false alarms against the truth. Traffic figures
 * cover the scenario window only, not the formation.
 *
 * <pre>
 *   ./shoal sim --nodes 1000 --seconds 60 --scenario crash --loss 0.01 --latency-ms 1-10 --seed 1
 * </pre>
 */
public final class Simulation {

    static final long FORM_SPREAD_MILLIS = 2_000;
    static final long FORM_DEADLINE_MILLIS = 600_000;
    static final long SCENARIO_START_DELAY_MILLIS = 5_000;

    private final SimOptions options;
    private final NodeSettings settings;

    public Simulation(SimOptions options) {
        this(options, NodeSettings.defaults(List.of()));
    }

    public Simulation(SimOptions options, NodeSettings settings) {
        this.options = options;
        this.settings = settings;
    }

    public static SimReport run(SimOptions options) {
        return new Simulation(options).run();
    }

    public SimReport run() {
        long wallStartNanos = System.nanoTime(); // Measurement only: the protocol sees virtual time.
        SimCluster cluster = new SimCluster(options, settings);
        for (int i = 0; i < options.nodes(); i++) {
            cluster.addNode(i == 0 ? 0 : cluster.random.nextInt((int) FORM_SPREAD_MILLIS));
        }
        long formedAt = cluster.runUntil(cluster::settled, FORM_DEADLINE_MILLIS);
        long windowStart = cluster.time.monotonicMillis();
        long bytesBefore = cluster.bytesSent();
        long messagesBefore = cluster.messagesSent();
        long[] bytesBeforeByNode = bytesByNode(cluster);
        Figures figures = switch (options.scenario()) {
            case JOIN -> join(cluster, windowStart);
            case CRASH -> crash(cluster, windowStart);
            case PARTITION -> partition(cluster, windowStart);
            case CHURN -> churn(cluster, windowStart);
        };
        long windowEnd = windowStart + options.seconds() * 1_000L;
        cluster.time.runUntil(windowEnd);
        double windowSeconds = (windowEnd - windowStart) / 1000.0;
        double nodeSeconds = options.nodes() * windowSeconds;
        double bytesPerNodeSecondMax = 0;
        long[] bytesAfterByNode = bytesByNode(cluster);
        for (int i = 0; i < bytesBeforeByNode.length; i++) {
            bytesPerNodeSecondMax = Math.max(bytesPerNodeSecondMax,
                    (bytesAfterByNode[i] - bytesBeforeByNode[i]) / windowSeconds);
        }
        figures.extra.put("events", Long.toString(cluster.time.eventsRun()));
        double gossipIntervalSeconds = settings.gossip().intervalMillis() / 1000.0;
        return new SimReport(options.scenario().name().toLowerCase(java.util.Locale.ROOT), options.nodes(),
                options.seed(), formedAt < 0 ? -1 : formedAt / 1000.0,
                figures.convergeSeconds < 0 ? -1 : Math.round(Math.ceil(figures.convergeSeconds / gossipIntervalSeconds)),
                figures.convergeSeconds, figures.detectFirstSeconds, figures.detectLastSeconds,
                cluster.falsePositives, cluster.falseDowns,
                (cluster.messagesSent() - messagesBefore) / nodeSeconds,
                (cluster.bytesSent() - bytesBefore) / nodeSeconds, bytesPerNodeSecondMax,
                cluster.time.monotonicMillis() / 1000.0, (System.nanoTime() - wallStartNanos) / 1e9, figures.extra);
    }

    private static long[] bytesByNode(SimCluster cluster) {
        long[] bytes = new long[cluster.nodes.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = cluster.nodes.get(i).endpoint.counters().bytesSent();
        }
        return bytes;
    }

    private static final class Figures {
        double convergeSeconds = -1;
        double detectFirstSeconds = -1;
        double detectLastSeconds = -1;
        final Map<String, String> extra = new LinkedHashMap<>();
    }

    private long deadline(long windowStart) {
        return windowStart + options.seconds() * 1_000L;
    }

    /** One node joins the formed cluster; converge when every live node has seen it up. */
    private Figures join(SimCluster cluster, long windowStart) {
        Figures figures = new Figures();
        long startAt = windowStart + 1_000;
        SimNode joiner = cluster.addNode(startAt);
        cluster.time.runUntil(startAt);
        Sightings up = cluster.sighting("up", joiner.id);
        long seenAt = cluster.runUntil(() -> up.seenByAll(cluster.liveSet()), deadline(windowStart));
        if (seenAt >= 0) {
            figures.convergeSeconds = (up.lastMillis - startAt) / 1000.0;
        }
        return figures;
    }

    /** One node crashes; detection is when live nodes find it failed, converge when all see it down. */
    private Figures crash(SimCluster cluster, long windowStart) {
        Figures figures = new Figures();
        long crashAt = windowStart + SCENARIO_START_DELAY_MILLIS;
        cluster.time.runUntil(crashAt);
        SimNode victim = cluster.randomLive(node -> node.index != 0);
        victim.crash();
        Sightings unreachable = cluster.sighting("unreachable", victim.id);
        Sightings down = cluster.sighting("down", victim.id);
        cluster.runUntil(() -> unreachable.seenByAll(cluster.liveSet()), deadline(windowStart));
        if (unreachable.firstMillis >= 0) {
            figures.detectFirstSeconds = (unreachable.firstMillis - crashAt) / 1000.0;
        }
        if (unreachable.seenByAll(cluster.liveSet())) {
            figures.detectLastSeconds = (unreachable.lastMillis - crashAt) / 1000.0;
        }
        cluster.runUntil(() -> down.seenByAll(cluster.liveSet()), deadline(windowStart));
        if (down.seenByAll(cluster.liveSet())) {
            figures.convergeSeconds = (down.lastMillis - crashAt) / 1000.0;
        }
        figures.extra.put("victim", victim.id.shortHex());
        return figures;
    }

    /**
     * 40% of the nodes are cut from the other 60% for up to 30 s, then the cut heals. The
     * minority must judge itself lost; after healing, converge when the cluster has settled
     * again (downed minority nodes have rejoined under new incarnations and are up).
     */
    private Figures partition(SimCluster cluster, long windowStart) {
        Figures figures = new Figures();
        long cutAt = windowStart + SCENARIO_START_DELAY_MILLIS;
        cluster.time.runUntil(cutAt);
        List<SimNode> live = cluster.live();
        int minority = (int) Math.round(live.size() * 0.4);
        BitSet minoritySet = new BitSet();
        while (minoritySet.cardinality() < minority) {
            minoritySet.set(live.get(cluster.random.nextInt(live.size())).index);
        }
        cluster.partitionInForce = true;
        for (SimNode node : live) {
            node.endpoint.side(minoritySet.get(node.index) ? 1 : 0);
        }
        long healAt = cutAt + Math.min(30_000, options.seconds() * 1_000L / 2);
        Map<SimNode, Sightings> lost = new HashMap<>();
        for (SimNode node : live) {
            if (minoritySet.get(node.index)) {
                lost.put(node, cluster.sighting("lost", node.id));
            }
        }
        cluster.runUntil(() -> lost.values().stream().allMatch(s -> s.firstMillis >= 0), healAt);
        long lostFirst = lost.values().stream().mapToLong(s -> s.firstMillis).filter(t -> t >= 0).min().orElse(-1);
        long lostLast = lost.values().stream().mapToLong(s -> s.firstMillis).min().orElse(-1) < 0 ? -1
                : lost.values().stream().mapToLong(s -> s.firstMillis).max().orElse(-1);
        figures.detectFirstSeconds = lostFirst < 0 ? -1 : (lostFirst - cutAt) / 1000.0;
        figures.detectLastSeconds = lostLast < 0 ? -1 : (lostLast - cutAt) / 1000.0;
        long majorityLost = 0;
        cluster.time.runUntil(healAt);
        for (SimNode node : cluster.live()) {
            if (!minoritySet.get(node.index) && node.node.partitionDecision().hasLost()) {
                majorityLost++;
            }
        }
        for (SimNode node : cluster.nodes) {
            node.endpoint.side(0);
        }
        long settledAt = cluster.runUntil(cluster::settled, deadline(windowStart));
        cluster.partitionInForce = false;
        if (settledAt >= 0) {
            figures.convergeSeconds = (settledAt - healAt) / 1000.0;
        }
        figures.extra.put("alarms_during_partition", Long.toString(cluster.alarmsDuringPartition));
        figures.extra.put("minority_nodes", Integer.toString(minority));
        figures.extra.put("majority_nodes_lost", Long.toString(majorityLost));
        figures.extra.put("partition_s", Double.toString((healAt - cutAt) / 1000.0));
        return figures;
    }

    /**
     * For the first two thirds of the window, every two seconds a node crashes or a new one
     * joins, alternately; converge when the cluster has settled after the churn stopped.
     */
    private Figures churn(SimCluster cluster, long windowStart) {
        Figures figures = new Figures();
        long churnEnd = windowStart + options.seconds() * 1_000L * 2 / 3;
        int crashes = 0;
        int joins = 0;
        for (long at = windowStart + 2_000; at < churnEnd; at += 2_000) {
            cluster.time.runUntil(at);
            if ((crashes + joins) % 2 == 0) {
                SimNode victim = cluster.randomLive(node -> node.index != 0);
                if (victim != null) {
                    victim.crash();
                    crashes++;
                }
            } else {
                cluster.addNode(at);
                joins++;
            }
        }
        cluster.time.runUntil(churnEnd);
        long settledAt = cluster.runUntil(cluster::settled, deadline(windowStart));
        if (settledAt >= 0) {
            figures.convergeSeconds = (settledAt - churnEnd) / 1000.0;
        }
        figures.extra.put("crashes", Integer.toString(crashes));
        figures.extra.put("joins", Integer.toString(joins));
        return figures;
    }

    /** {@code java io.shoal.cluster.sim.Simulation --nodes 1000 --seconds 60 --scenario join}. */
    public static void main(String[] args) {
        SimReport report = run(SimArguments.parse(args));
        System.out.println(report);
    }
}
