package io.shoal.cluster.sim;

import io.shoal.cluster.api.ClusterEvent;
import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.node.ClusterNode;
import io.shoal.cluster.node.NodeSettings;
import io.shoal.cluster.random.SeededRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The simulated processes of one run and the checkers that watch them.
 *
 * <p>Checkers see every event every node raises, and know the truth the nodes cannot know
 * (who is really alive, who sits on which side of a cut), so they can count false positives:
 * a node declared failed or downed by a peer that could reach it.
 */
final class SimCluster {

    private static final String HOST = "10.0.0.1";
    private static final int PORT_FIRST = 7000;

    final VirtualTime time = new VirtualTime();
    final SimNetwork network;
    final SeededRandom random;
    final NodeSettings settings;
    final List<SimNode> nodes = new ArrayList<>();
    final Map<NodeId, SimNode> byId = new HashMap<>();
    private final Map<String, Sightings> sightings = new HashMap<>();
    long falsePositives;
    long falseDowns;
    /**
     * Set while a partition is in force and until the cluster settles after it heals. Alarms
     * raised then are counted apart: after a heal a node learns late, from gossip, of downs and
     * complaints that were true on the other side of the cut when they were made.
     */
    boolean partitionInForce;
    long alarmsDuringPartition;
    private BiConsumer<SimNode, ClusterEvent> listener = (node, event) -> { };

    SimCluster(SimOptions options, NodeSettings settings) {
        this.random = new SeededRandom(options.seed());
        this.network = new SimNetwork(time, random.split(), options.loss(), options.latencyMinMillis(),
                options.latencyMaxMillis());
        this.settings = settings;
    }

    void listen(BiConsumer<SimNode, ClusterEvent> newListener) {
        this.listener = newListener;
    }

    /** Creates a node whose only seed is node 0, and starts it at the given virtual time. */
    SimNode addNode(long startAtMillis) {
        int index = nodes.size();
        SeededRandom nodeRandom = random.split();
        NodeId id = NodeId.random(nodeRandom);
        int port = PORT_FIRST + index;
        NodeAddress address = new NodeAddress(HOST, port, port + NodeAddress.BUS_PORT_OFFSET);
        NodeAddress seed = nodes.isEmpty() ? address : nodes.get(0).address;
        SimNetwork.Endpoint endpoint = network.attach(address);
        SimScheduler scheduler = new SimScheduler(time);
        SimNode[] holder = new SimNode[1];
        ClusterNode node = new ClusterNode(settings.withSeeds(List.of(seed)), id, Incarnation.FIRST, time, scheduler,
                nodeRandom, endpoint, event -> onEvent(holder[0], event));
        SimNode simNode = new SimNode(index, id, address, node, endpoint, scheduler);
        holder[0] = simNode;
        nodes.add(simNode);
        byId.put(id, simNode);
        time.at(startAtMillis, () -> {
            simNode.started = true;
            node.start();
        });
        return simNode;
    }

    private void onEvent(SimNode observer, ClusterEvent event) {
        long now = time.monotonicMillis();
        if (event instanceof ClusterEvent.Unreachable unreachable) {
            sighting("unreachable", unreachable.member().id()).seen(observer.index, now);
            if (isFalseAlarm(observer, unreachable.member().id(), unreachable.member().incarnation())) {
                if (partitionInForce) {
                    alarmsDuringPartition++;
                } else {
                    falsePositives++;
                }
            }
        } else if (event instanceof ClusterEvent.Down down) {
            sighting("down", down.member().id()).seen(observer.index, now);
            if (isFalseAlarm(observer, down.member().id(), down.member().incarnation())) {
                if (partitionInForce) {
                    alarmsDuringPartition++;
                } else {
                    falseDowns++;
                }
            }
        } else if (event instanceof ClusterEvent.MemberUp up) {
            sighting("up", up.member().id()).seen(observer.index, now);
        } else if (event instanceof ClusterEvent.PartitionLost) {
            sighting("lost", observer.id).seen(observer.index, now);
        }
        listener.accept(observer, event);
    }

    /** Whether the subject was in fact alive and on the observer's side. */
    private boolean isFalseAlarm(SimNode observer, NodeId subjectId, Incarnation incarnation) {
        SimNode subject = byId.get(subjectId);
        return subject != null && subject.isAlive() && observer.isAlive() && subject.side() == observer.side()
                && subject.node.incarnation().equals(incarnation) && subject != observer;
    }

    Sightings sighting(String fact, NodeId subject) {
        return sightings.computeIfAbsent(fact + ":" + subject, key -> new Sightings());
    }

    BitSet liveSet() {
        BitSet live = new BitSet();
        for (SimNode node : nodes) {
            if (node.isAlive() && node.started) {
                live.set(node.index);
            }
        }
        return live;
    }

    List<SimNode> live() {
        List<SimNode> live = new ArrayList<>();
        for (SimNode node : nodes) {
            if (node.isAlive() && node.started) {
                live.add(node);
            }
        }
        return live;
    }

    /**
     * Whether the cluster has settled: every live node holds exactly the live nodes as active
     * members, all up, under their current incarnations, and finds none of them failed.
     */
    boolean settled() {
        List<SimNode> live = live();
        for (SimNode observer : live) {
            ClusterNode view = observer.node;
            if (!view.isJoined() || !view.view().failed().isEmpty()) {
                return false;
            }
            int[] active = {0};
            boolean[] wrong = {false};
            view.state().forEach(entry -> {
                if (entry.status().isActive()) {
                    active[0]++;
                    SimNode truth = byId.get(entry.id());
                    if (entry.status() != MemberStatus.UP || truth == null || !truth.isAlive()
                            || !truth.node.incarnation().equals(entry.incarnation())) {
                        wrong[0] = true;
                    }
                }
            });
            if (wrong[0] || active[0] != live.size()) {
                return false;
            }
        }
        return true;
    }

    /** Runs virtual time forward until the condition holds (checked every second) or the deadline. */
    long runUntil(java.util.function.BooleanSupplier condition, long deadlineMillis) {
        while (time.monotonicMillis() < deadlineMillis) {
            time.runUntil(Math.min(deadlineMillis, time.monotonicMillis() + 1_000));
            if (condition.getAsBoolean()) {
                return time.monotonicMillis();
            }
        }
        return -1;
    }

    SimNode randomLive(java.util.function.Predicate<SimNode> allowed) {
        List<SimNode> candidates = new ArrayList<>();
        for (SimNode node : live()) {
            if (allowed.test(node)) {
                candidates.add(node);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    long bytesSent() {
        long total = 0;
        for (SimNode node : nodes) {
            total += node.endpoint.counters().bytesSent();
        }
        return total;
    }

    long messagesSent() {
        long total = 0;
        for (SimNode node : nodes) {
            total += node.endpoint.counters().messagesSent();
        }
        return total;
    }

    static boolean holds(NodeState state, MemberStatus status) {
        return state != null && state.status() == status;
    }
}
