package io.shoal.cluster.node;

import io.shoal.cluster.api.ClusterEvent;
import io.shoal.cluster.failure.ClusterHeartbeat;
import io.shoal.cluster.failure.Heartbeat;
import io.shoal.cluster.failure.HeartbeatReply;
import io.shoal.cluster.failure.ReachabilityView;
import io.shoal.cluster.gossip.GossipAck;
import io.shoal.cluster.gossip.GossipDelta;
import io.shoal.cluster.gossip.GossipSyn;
import io.shoal.cluster.gossip.Gossiper;
import io.shoal.cluster.join.BanList;
import io.shoal.cluster.join.Invite;
import io.shoal.cluster.join.JoinReply;
import io.shoal.cluster.join.JoinRequest;
import io.shoal.cluster.join.Joiner;
import io.shoal.cluster.leader.Convergence;
import io.shoal.cluster.leader.LeaderActions;
import io.shoal.cluster.leader.LeaderRule;
import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.Member;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.member.VersionedValue;
import io.shoal.cluster.partition.PartitionDecision;
import io.shoal.cluster.random.RandomSource;
import io.shoal.cluster.time.Clock;
import io.shoal.cluster.time.Scheduler;
import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.MessageHandler;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.Transport;
import io.shoal.cluster.transport.WireReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One member of a cluster: the single owner of its {@link ClusterState}, wiring gossip, heartbeats,
 * join, the leader's moves and the downing strategy around it.
 *
 * <p>Why one class owns the state. Every change (a merge from a peer, a local write, a leader
 * move) goes through {@link #replaceState}, which checks invariants under assertions and notes
 * what changed for gossip. Derived facts (who is failed, who leads, whether this side lost a
 * partition, the events to raise) are recomputed from the state at most every
 * {@code viewRefreshMillis}, not per message: a thousand nodes forming a cluster change their
 * state thousands of times a second, and the view costs O(n) to compute.
 *
 * <p>Threading: all methods run on the node's protocol thread (a Netty event loop, or the
 * simulator). Time, randomness, scheduling and the network come in through the constructor, so
 * this exact code runs in the deterministic simulator.
 */
public final class ClusterNode implements NodeContext {

    /** Application state keys starting with this prefix belong to the library. */
    public static final String RESERVED_KEY_PREFIX = "shoal.";
    public static final String PARTITION_LOST_KEY = "shoal.partition-lost";
    /** Member records sent with a welcome, besides the welcoming node and the joiner. */
    public static final int WELCOME_MEMBERS_MAX = 32;

    private final NodeSettings settings;
    private final Clock clock;
    private final Scheduler scheduler;
    private final RandomSource random;
    private final Transport transport;
    private final Consumer<ClusterEvent> events;
    private final NodeId selfId;
    private final Gossiper gossiper;
    private final ClusterHeartbeat heartbeat;
    private final Joiner joiner;
    private final BanList bans = new BanList();
    private final Map<NodeId, Long> removedSinceMillis = new HashMap<>();

    private Incarnation incarnation;
    private ClusterState state;
    private ReachabilityView view;
    private boolean joined;
    private boolean running;
    private boolean refreshScheduled;
    private boolean viewStale = true;

    // What the application was last told, to raise events on differences.
    private ClusterState publishedState = ClusterState.EMPTY;
    private Set<NodeId> publishedFailed = Set.of();
    private NodeId publishedLeader;
    private PartitionDecision decision = PartitionDecision.WHOLE;
    private Set<NodeId> unreachableSince = Set.of();
    private long unreachableSinceMillis;
    private long exitingSinceMillis = -1;
    private boolean leaveRequested;
    private long malformedDropped;

    public ClusterNode(NodeSettings settings, NodeId selfId, Incarnation incarnation, Clock clock,
            Scheduler scheduler, RandomSource random, Transport transport, Consumer<ClusterEvent> events) {
        this.settings = Objects.requireNonNull(settings);
        this.selfId = Objects.requireNonNull(selfId);
        this.incarnation = Objects.requireNonNull(incarnation);
        this.clock = clock;
        this.scheduler = scheduler;
        this.random = random;
        this.transport = transport;
        this.events = events;
        this.state = ClusterState.EMPTY.merge(NodeState.of(
                new Member(selfId, transport.localAddress(), incarnation, MemberStatus.JOINING)));
        this.view = ReachabilityView.of(state, settings.monitorsMax());
        this.gossiper = new Gossiper(this, settings.gossip());
        this.heartbeat = new ClusterHeartbeat(this, settings.detector());
        this.joiner = new Joiner(new JoinHost(), transport.localAddress(), settings.seeds(),
                settings.firstSeedTimeoutMillis());
        registerHandlers();
    }

    // ---- Life cycle ---------------------------------------------------------------------------

    /** Starts joining and the periodic tasks. */
    public void start() {
        running = true;
        joiner.start(List.of());
        // Random first offsets keep a thousand nodes started together from gossiping in lockstep.
        scheduler.schedule(1 + random.nextInt((int) settings.gossip().intervalMillis()), this::gossipTick);
        scheduler.schedule(1 + random.nextInt((int) settings.heartbeatIntervalMillis()), this::heartbeatTick);
        scheduler.schedule(settings.joinRetryMillis(), this::joinTick);
    }

    /** Stops all periodic work; messages that still arrive are ignored. */
    public void stop() {
        running = false;
    }

    public boolean isRunning() {
        return running;
    }

    private void gossipTick() {
        if (!running) {
            return;
        }
        if (joined) {
            gossiper.round();
        }
        scheduler.schedule(settings.gossip().intervalMillis(), this::gossipTick);
    }

    private void heartbeatTick() {
        if (!running) {
            return;
        }
        if (joined) {
            refreshView();
            heartbeat.tick();
            housekeeping();
            refreshView();
        }
        scheduler.schedule(settings.heartbeatIntervalMillis(), this::heartbeatTick);
    }

    private void joinTick() {
        if (!running) {
            return;
        }
        if (!joined) {
            joiner.attempt();
        }
        scheduler.schedule(settings.joinRetryMillis(), this::joinTick);
    }

    // ---- Public operations (on the node's thread) ---------------------------------------------

    /** Writes one of this node's application values; it spreads by gossip. */
    public void setApplicationState(String key, byte[] value) {
        if (key.startsWith(RESERVED_KEY_PREFIX)) {
            throw new IllegalArgumentException("application key prefix '" + RESERVED_KEY_PREFIX + "' is reserved");
        }
        writeOwnValue(key, value);
    }

    private void writeOwnValue(String key, byte[] value) {
        NodeState self = selfState();
        NodeState written = self.withApplicationValue(key, value);
        if (written != self) {
            replaceOwnState(written);
        }
    }

    /** Starts a graceful leave: leaving, then exiting, then removed, each moved by the leader. */
    public void leave() {
        NodeState self = selfState();
        if (self.status() == MemberStatus.UP || self.status() == MemberStatus.JOINING) {
            leaveRequested = true;
            replaceOwnState(self.withStatus(MemberStatus.LEAVING));
        }
    }

    /**
     * Removes a member and bans its ID for {@code forgetBanMillis}, so that stale gossip cannot
     * bring it back (Redis's CLUSTER FORGET). The removal spreads as a tombstone.
     */
    public void forget(NodeId id) {
        if (id.equals(selfId)) {
            throw new IllegalArgumentException("a node cannot forget itself");
        }
        NodeState target = state.get(id);
        bans.ban(id, BanList.ALL_INCARNATIONS, clock.monotonicMillis() + settings.forgetBanMillis());
        if (target != null) {
            replaceState(state.merge(target.withStatus(MemberStatus.REMOVED)), List.of(id), null);
        }
    }

    /**
     * Joins through the given address, or invites it, as CLUSTER MEET does: a node that is not
     * yet in a cluster, or alone in one, joins through the address; a member of a larger cluster
     * invites the node at the address to join through it.
     */
    public void meet(NodeAddress address) {
        if (!joined || state.size() == 1) {
            // The target goes in first: restarting the join of a lone node with no target would
            // form a cluster of one again at once and drop the meet.
            joiner.addTarget(address);
            if (joined) {
                restartJoin(incarnation);
            } else {
                joiner.attempt();
            }
        } else {
            sendMessage(address, new Invite(transport.localAddress()));
        }
    }

    /** Registers a handler for application messages of a type at or above 1024. */
    public void registerApplicationHandler(int type, MessageHandler handler) {
        if (!MessageTypes.isApplicationType(type)) {
            throw new IllegalArgumentException("application message type: " + type + " (expected: "
                    + MessageTypes.APPLICATION_FIRST + " <= type <= " + MessageTypes.TYPE_MAX + ")");
        }
        transport.register(type, handler);
    }

    /** Sends an application message to a member; false if the member is unknown. */
    public boolean sendApplicationMessage(NodeId to, int type, byte[] payload) {
        if (!MessageTypes.isApplicationType(type)) {
            throw new IllegalArgumentException("application message type: " + type);
        }
        NodeState target = state.get(to);
        if (target == null) {
            return false;
        }
        transport.send(target.member().address(), type, payload);
        return true;
    }

    // ---- Reads --------------------------------------------------------------------------------

    @Override
    public NodeId selfId() {
        return selfId;
    }

    public Incarnation incarnation() {
        return incarnation;
    }

    public boolean isJoined() {
        return joined;
    }

    @Override
    public ClusterState state() {
        return state;
    }

    @Override
    public ReachabilityView view() {
        return view;
    }

    public NodeState selfState() {
        return state.get(selfId);
    }

    public NodeId leader() {
        return publishedLeader;
    }

    public PartitionDecision partitionDecision() {
        return decision;
    }

    public long gossipRounds() {
        return gossiper.rounds();
    }

    public boolean isConverged() {
        return Convergence.isConverged(state, view, gossiper.seen());
    }

    public long malformedDropped() {
        return malformedDropped;
    }

    public ClusterHeartbeat heartbeat() {
        return heartbeat;
    }

    public Transport transport() {
        return transport;
    }

    // ---- NodeContext --------------------------------------------------------------------------

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public RandomSource random() {
        return random;
    }

    @Override
    public void mergeFromPeer(NodeId peer, List<NodeState> incoming) {
        long now = clock.monotonicMillis();
        List<NodeState> accepted = new ArrayList<>(incoming.size());
        for (NodeState entry : incoming) {
            if (bans.isBanned(entry.id(), entry.incarnation().value(), now)) {
                continue;
            }
            if (entry.id().equals(selfId) && !entry.incarnation().equals(incarnation)) {
                continue; // Another life of this node is not this node's business.
            }
            accepted.add(entry);
        }
        ClusterState merged = state.mergeAll(accepted);
        if (merged == state) {
            return;
        }
        List<NodeId> changed = new ArrayList<>();
        for (NodeState entry : accepted) {
            if (merged.get(entry.id()) != state.get(entry.id())) {
                changed.add(entry.id());
            }
        }
        replaceState(merged, changed, peer);
    }

    @Override
    public void send(NodeId to, ProtocolMessage message) {
        NodeState target = state.get(to);
        if (target != null) {
            sendMessage(target.member().address(), message);
        }
    }

    @Override
    public void send(NodeAddress to, ProtocolMessage message) {
        sendMessage(to, message);
    }

    @Override
    public boolean isBanned(NodeId id, long incarnationValue) {
        return bans.isBanned(id, incarnationValue, clock.monotonicMillis());
    }

    @Override
    public void observe(NodeId subject, Incarnation subjectIncarnation, boolean reachable) {
        NodeState self = selfState();
        NodeState observed = self.withObservation(subject, subjectIncarnation, reachable);
        if (observed != self) {
            replaceOwnState(observed);
        }
    }

    @Override
    public void seenChanged() {
        scheduleRefresh();
    }

    // ---- State changes ------------------------------------------------------------------------

    private void replaceOwnState(NodeState self) {
        replaceState(state.withOwnState(self), List.of(selfId), null);
    }

    private void replaceState(ClusterState next, List<NodeId> changed, NodeId source) {
        assert next.checkInvariants();
        assert next.get(selfId) != null : "a node's state always holds the node itself";
        state = next;
        List<NodeState> changedStates = new ArrayList<>(changed.size());
        for (NodeId id : changed) {
            NodeState entry = next.get(id);
            if (entry != null) {
                changedStates.add(entry);
            }
        }
        gossiper.stateChanged(changedStates, source);
        viewStale = true;
        scheduleRefresh();
    }

    private void scheduleRefresh() {
        if (!refreshScheduled && running) {
            refreshScheduled = true;
            scheduler.schedule(settings.viewRefreshMillis(), () -> {
                refreshScheduled = false;
                if (running) {
                    refreshView();
                }
            });
        }
    }

    /**
     * Recomputes what follows from the state: reachability, the partition verdict, the leader and
     * its moves, then raises events for what changed since the application was last told.
     */
    private void refreshView() {
        if (viewStale) {
            view = ReachabilityView.of(state, settings.monitorsMax());
            viewStale = false;
        }
        if (!joined) {
            return;
        }
        judgePartition();
        NodeId leader = LeaderRule.leaderOf(state, view);
        if (selfId.equals(leader) && !decision.hasLost()) {
            actAsLeader();
        }
        handleOwnStatus();
        publishEvents(leader);
    }

    private void judgePartition() {
        Set<NodeId> active = new HashSet<>();
        state.forEach(node -> {
            if (node.status().isActive()) {
                active.add(node.id());
            }
        });
        Set<NodeId> unreachable = view.unreachable();
        PartitionDecision next = settings.downingStrategy().decide(active, unreachable);
        if (!unreachable.equals(unreachableSince)) {
            unreachableSince = Set.copyOf(unreachable);
            unreachableSinceMillis = clock.monotonicMillis();
        }
        if (next.hasLost() != decision.hasLost()) {
            writeOwnValue(PARTITION_LOST_KEY, new byte[] {(byte) (next.hasLost() ? 1 : 0)});
            events.accept(next.hasLost() ? new ClusterEvent.PartitionLost() : new ClusterEvent.PartitionRegained());
        }
        decision = next;
    }

    private void actAsLeader() {
        if (Convergence.isConverged(state, view, gossiper.seen())) {
            ClusterState moved = LeaderActions.apply(state, view);
            if (moved != state) {
                replaceState(moved, changedIds(state, moved), null);
            }
        }
        if (decision == PartitionDecision.SURVIVES && !unreachableSince.isEmpty()
                && clock.monotonicMillis() - unreachableSinceMillis >= settings.stableAfterMillis()) {
            List<NodeState> downed = new ArrayList<>();
            for (NodeId id : unreachableSince) {
                NodeState member = state.get(id);
                if (member != null && member.status().isActive() && !id.equals(selfId)) {
                    downed.add(member.withStatus(MemberStatus.DOWN));
                }
            }
            if (!downed.isEmpty()) {
                ClusterState next = state.mergeAll(downed);
                replaceState(next, changedIds(state, next), null);
            }
        }
    }

    private static List<NodeId> changedIds(ClusterState before, ClusterState after) {
        List<NodeId> changed = new ArrayList<>();
        after.forEachChange(before, (old, now) -> changed.add(now != null ? now.id() : old.id()));
        return changed;
    }

    /** A downed or removed node rejoins under a new incarnation; an exiting node stops. */
    private void handleOwnStatus() {
        NodeState self = selfState();
        MemberStatus status = self.status();
        if (status == MemberStatus.EXITING) {
            if (exitingSinceMillis < 0) {
                exitingSinceMillis = clock.monotonicMillis();
            } else if (clock.monotonicMillis() - exitingSinceMillis >= settings.exitTimeoutMillis()) {
                // The leader did not remove us in time (it may be unreachable): leave anyway.
                stop();
                events.accept(new ClusterEvent.Removed(self.member()));
            }
            return;
        }
        if (status == MemberStatus.REMOVED && leaveRequested) {
            stop();
            events.accept(new ClusterEvent.Removed(self.member()));
            return;
        }
        if ((status == MemberStatus.DOWN || status == MemberStatus.REMOVED) && settings.rejoinWhenDowned()) {
            events.accept(status == MemberStatus.DOWN ? new ClusterEvent.Down(self.member())
                    : new ClusterEvent.Removed(self.member()));
            restartJoin(incarnation.next());
        }
    }

    /** Starts over as a joining node: the old cluster view is kept only as addresses to try. */
    private void restartJoin(Incarnation next) {
        List<NodeAddress> known = new ArrayList<>();
        for (NodeState node : state.states()) {
            if (!node.id().equals(selfId) && node.status().isActive() && known.size() < 16) {
                known.add(node.member().address());
            }
        }
        NodeState old = selfState();
        boolean newLife = !next.equals(incarnation);
        incarnation = next;
        NodeState fresh = NodeState.of(new Member(selfId, transport.localAddress(), incarnation, MemberStatus.JOINING));
        for (Map.Entry<String, VersionedValue> value : old.applicationState().entrySet()) {
            fresh = fresh.withApplicationValue(value.getKey(), value.getValue().value());
        }
        joined = false;
        state = ClusterState.EMPTY.merge(fresh);
        viewStale = true;
        view = ReachabilityView.of(state, settings.monitorsMax());
        decision = PartitionDecision.WHOLE;
        if (newLife) {
            events.accept(new ClusterEvent.Rejoining(selfId, incarnation));
        }
        joiner.start(known);
    }

    private void housekeeping() {
        long now = clock.monotonicMillis();
        bans.pruneExpired(now);
        List<NodeId> prune = new ArrayList<>();
        state.forEach(node -> {
            if (node.status() == MemberStatus.REMOVED && !node.id().equals(selfId)) {
                long since = removedSinceMillis.computeIfAbsent(node.id(), id -> now);
                if (now - since >= settings.tombstoneRetentionMillis()) {
                    prune.add(node.id());
                }
            }
        });
        if (prune.isEmpty()) {
            return;
        }
        ClusterState next = state;
        for (NodeId id : prune) {
            bans.ban(id, next.get(id).incarnation().value(), now + settings.tombstoneBanMillis());
            removedSinceMillis.remove(id);
            next = next.without(id);
        }
        Set<NodeId> gone = new HashSet<>(prune);
        NodeState self = next.get(selfId).withoutObservationsOf(gone::contains);
        next = next.withOwnState(self);
        replaceState(next, List.of(selfId), null);
    }

    // ---- Events -------------------------------------------------------------------------------

    private void publishEvents(NodeId leader) {
        ClusterState previous = publishedState;
        publishedState = state;
        state.forEachChange(previous, (old, now) -> publishEntryChange(old, now));
        Set<NodeId> failed = view.failed();
        if (!failed.equals(publishedFailed)) {
            for (NodeId id : failed) {
                if (!publishedFailed.contains(id) && state.get(id) != null) {
                    events.accept(new ClusterEvent.Unreachable(state.member(id)));
                }
            }
            for (NodeId id : publishedFailed) {
                if (!failed.contains(id) && state.get(id) != null && state.get(id).status().isActive()) {
                    events.accept(new ClusterEvent.Reachable(state.member(id)));
                }
            }
            publishedFailed = Set.copyOf(failed);
        }
        if (!Objects.equals(leader, publishedLeader)) {
            publishedLeader = leader;
            events.accept(new ClusterEvent.LeaderChanged(leader));
        }
    }

    private void publishEntryChange(NodeState old, NodeState now) {
        if (now == null) {
            if (old.status() != MemberStatus.REMOVED) {
                events.accept(new ClusterEvent.Removed(old.member()));
            }
            return;
        }
        MemberStatus before = old == null || old.incarnation().compareTo(now.incarnation()) < 0 ? null : old.status();
        if (before != now.status()) {
            switch (now.status()) {
                case UP -> events.accept(new ClusterEvent.MemberUp(now.member()));
                case LEAVING -> events.accept(new ClusterEvent.MemberLeaving(now.member()));
                case DOWN -> {
                    if (!now.id().equals(selfId)) {
                        events.accept(new ClusterEvent.Down(now.member()));
                    }
                }
                case REMOVED -> {
                    if (!now.id().equals(selfId)) {
                        events.accept(new ClusterEvent.Removed(now.member()));
                    }
                }
                default -> {
                }
            }
        }
        for (Map.Entry<String, VersionedValue> entry : now.applicationState().entrySet()) {
            VersionedValue previous = old == null || !old.incarnation().equals(now.incarnation()) ? null
                    : old.applicationValue(entry.getKey());
            if (previous == null || previous.version() != entry.getValue().version()) {
                events.accept(new ClusterEvent.ApplicationStateChanged(now.id(), entry.getKey(),
                        entry.getValue().version(), entry.getValue().value()));
            }
        }
    }

    // ---- Messages -----------------------------------------------------------------------------

    private void sendMessage(NodeAddress to, ProtocolMessage message) {
        if (running) {
            transport.send(to, message.type(), message.encode());
        }
    }

    private <M> void on(int type, Function<WireReader, M> reader, java.util.function.BiConsumer<NodeAddress, M> handler) {
        transport.register(type, (from, payload) -> {
            if (!running) {
                return;
            }
            M message;
            try {
                message = reader.apply(new WireReader(payload));
            } catch (MalformedMessageException | IllegalArgumentException e) {
                malformedDropped++;
                transport.counters().malformed();
                return;
            }
            handler.accept(from, message);
        });
    }

    private void registerHandlers() {
        on(MessageTypes.HEARTBEAT, Heartbeat::read, (from, message) -> heartbeat.onHeartbeat(message, from));
        on(MessageTypes.HEARTBEAT_REPLY, HeartbeatReply::read, (from, message) -> heartbeat.onReply(message));
        on(MessageTypes.GOSSIP_SYN, GossipSyn::read, (from, message) -> {
            if (joined) {
                gossiper.onSyn(message);
            }
        });
        on(MessageTypes.GOSSIP_ACK, GossipAck::read, (from, message) -> {
            if (joined) {
                gossiper.onAck(message);
            }
        });
        on(MessageTypes.GOSSIP_DELTA, GossipDelta::read, (from, message) -> {
            if (joined) {
                gossiper.onDelta(message);
            }
        });
        on(MessageTypes.JOIN_REQUEST, JoinRequest::read, this::onJoinRequest);
        on(MessageTypes.JOIN_REPLY, JoinReply::read, (from, message) -> onJoinReply(message));
        on(MessageTypes.INVITE, Invite::read, (from, message) -> {
            if (!joined || state.size() == 1) {
                meet(message.member());
            }
        });
    }

    private void onJoinRequest(NodeAddress from, JoinRequest request) {
        NodeState joiner = request.joiner();
        MemberStatus own = selfState().status();
        if (!joined || !(own == MemberStatus.UP || own == MemberStatus.JOINING) || decision.hasLost()) {
            sendMessage(from, new JoinReply(selfId, JoinReply.Outcome.NOT_A_MEMBER, List.of()));
            return;
        }
        if (bans.isBanned(joiner.id(), joiner.incarnation().value(), clock.monotonicMillis())) {
            sendMessage(from, new JoinReply(selfId, JoinReply.Outcome.BANNED, List.of()));
            return;
        }
        NodeState admitted = joiner.withStatus(MemberStatus.JOINING);
        if (admitted.status() != MemberStatus.JOINING) {
            admitted = NodeState.of(joiner.member().withStatus(MemberStatus.JOINING));
        }
        NodeState existing = state.get(joiner.id());
        NodeState merged = existing == null ? admitted : existing.merge(admitted);
        if (merged.incarnation().isAfter(joiner.incarnation())
                || !(merged.status() == MemberStatus.JOINING || merged.status() == MemberStatus.UP)) {
            sendMessage(from, new JoinReply(selfId, JoinReply.Outcome.STALE_INCARNATION, List.of()));
            return;
        }
        if (merged != existing) {
            replaceState(state.merge(admitted), List.of(joiner.id()), null);
        }
        sendMessage(from, new JoinReply(selfId, JoinReply.Outcome.WELCOME, welcomeStates(joiner.id())));
    }

    /**
     * This node, the joiner, and a few member records (without their owned values): enough to
     * start gossiping. The joiner pulls the rest by gossip, in deltas of bounded size, so that a
     * crowd of joiners (a healed partition) does not make one member send the whole table to each.
     */
    private List<NodeState> welcomeStates(NodeId joinerId) {
        List<NodeState> states = new ArrayList<>();
        states.add(selfState());
        states.add(state.get(joinerId));
        NodeId[] ids = state.sortedIds();
        int start = ids.length == 0 ? 0 : random.nextInt(ids.length);
        for (int i = 0; i < ids.length && states.size() < WELCOME_MEMBERS_MAX; i++) {
            NodeState node = state.get(ids[(start + i) % ids.length]);
            if (!node.id().equals(selfId) && !node.id().equals(joinerId) && node.status().isActive()) {
                states.add(NodeState.of(node.member()));
            }
        }
        return states;
    }

    private void onJoinReply(JoinReply reply) {
        if (joined || reply.outcome() != JoinReply.Outcome.WELCOME) {
            return;
        }
        NodeState mine = null;
        for (NodeState node : reply.states()) {
            if (node.id().equals(selfId)) {
                mine = node;
            }
        }
        if (mine == null || !mine.incarnation().equals(incarnation)) {
            return;
        }
        joined = true;
        joiner.joined();
        mergeFromPeer(reply.from(), reply.states());
    }

    private final class JoinHost implements Joiner.Host {
        @Override
        public long nowMillis() {
            return clock.monotonicMillis();
        }

        @Override
        public NodeState selfState() {
            return ClusterNode.this.selfState();
        }

        @Override
        public void send(NodeAddress to, JoinRequest request) {
            sendMessage(to, request);
        }

        @Override
        public void formCluster() {
            joined = true;
            replaceOwnState(ClusterNode.this.selfState().withStatus(MemberStatus.UP));
        }
    }

    @Override
    public String toString() {
        return "ClusterNode[" + selfId.shortHex() + "#" + incarnation + " " + transport.localAddress() + "]";
    }
}
