package io.shoal.cluster.api;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.shoal.cluster.join.NodeIdentity;
import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.node.ClusterNode;
import io.shoal.cluster.random.SeededRandom;
import io.shoal.cluster.time.EventLoopScheduler;
import io.shoal.cluster.time.SystemClock;
import io.shoal.cluster.transport.MessageHandler;
import io.shoal.cluster.transport.NettyTransport;
import io.shoal.cluster.transport.TransportCounters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running member embedded in an application: the facade over one {@link ClusterNode} on its
 * own single-threaded Netty event loop.
 *
 * <p>Every method may be called from any thread; calls are handed to the member's protocol
 * thread. Listeners run on that thread unless given an executor, so they must not block.
 * Reads ({@link #members()}) return an immutable snapshot.
 */
public final class ClusterMember implements AutoCloseable {

    private final ClusterConfig config;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final NettyTransport transport;
    private final ClusterNode node;
    private final List<Consumer<ClusterEvent>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> up = new CompletableFuture<>();
    private final CompletableFuture<Void> removed = new CompletableFuture<>();

    private ClusterMember(ClusterConfig config) throws InterruptedException {
        this.config = config;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.loop = group.next();
        SeededRandom random = config.randomSeed() == null ? SeededRandom.fromEntropy()
                : new SeededRandom(config.randomSeed());
        NodeIdentity identity = loadIdentity(config, random);
        this.transport = new NettyTransport(config.address(), config.host(), loop, config.frameBytesMax());
        this.node = new ClusterNode(config.settings(), identity.id(), identity.incarnation(), new SystemClock(),
                new EventLoopScheduler(loop), random, transport, this::dispatch);
        try {
            transport.bind();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        loop.execute(node::start);
    }

    static ClusterMember start(ClusterConfig config) {
        try {
            return new ClusterMember(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the bus port", e);
        }
    }

    private static NodeIdentity loadIdentity(ClusterConfig config, SeededRandom random) {
        NodeId fresh = NodeId.random(random);
        if (config.identityFile() == null) {
            return new NodeIdentity(fresh, Incarnation.FIRST);
        }
        try {
            Path parent = config.identityFile().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return NodeIdentity.loadAndAdvance(config.identityFile(), fresh);
    }

    private void dispatch(ClusterEvent event) {
        if (event instanceof ClusterEvent.MemberUp memberUp && memberUp.member().id().equals(node.selfId())) {
            up.complete(null);
        }
        if (event instanceof ClusterEvent.Removed gone && gone.member().id().equals(node.selfId())
                && !node.isRunning()) {
            removed.complete(null);
        }
        if (event instanceof ClusterEvent.Rejoining rejoining && config.identityFile() != null) {
            persistIncarnation(rejoining.incarnation());
        }
        for (Consumer<ClusterEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // A listener's bug must not stop the protocol thread.
            }
        }
    }

    private void persistIncarnation(Incarnation incarnation) {
        try {
            Files.writeString(config.identityFile(), node.selfId().toHex() + " " + incarnation.value() + "\n");
        } catch (java.io.IOException e) {
            // The next start reads the older incarnation and advances it past this one anyway
            // only if it was persisted; a failure here is reported by the next start's rejection.
        }
    }

    // ---- Identity -----------------------------------------------------------------------------

    public NodeId id() {
        return node.selfId();
    }

    public Incarnation incarnation() {
        return call(node::incarnation);
    }

    public NodeAddress address() {
        return config.address();
    }

    /** Completes when this member is seen up (admitted by the leader). */
    public CompletableFuture<Void> whenUp() {
        return up;
    }

    // ---- Events -------------------------------------------------------------------------------

    /** Subscribes on the protocol thread; the listener must not block. */
    public Runnable subscribe(Consumer<ClusterEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Subscribes with delivery on the given executor. */
    public Runnable subscribe(Consumer<ClusterEvent> listener, Executor executor) {
        return subscribe(event -> executor.execute(() -> listener.accept(event)));
    }

    /** Subscribes to application-state changes of every member (this one included). */
    public Runnable onApplicationStateChange(Consumer<ClusterEvent.ApplicationStateChanged> listener) {
        return subscribe(event -> {
            if (event instanceof ClusterEvent.ApplicationStateChanged change) {
                listener.accept(change);
            }
        });
    }

    // ---- Reads --------------------------------------------------------------------------------

    /** A snapshot of this member's view. */
    public MemberTable members() {
        return call(() -> new MemberTable(node.selfId(), node.state(), node.view().failed(), node.leader(),
                node.partitionDecision()));
    }

    public TransportCounters transportCounters() {
        return transport.counters();
    }

    // ---- Writes -------------------------------------------------------------------------------

    /** Sets one of this member's application values (at most 16 KiB); gossip spreads it. */
    public CompletableFuture<Void> setApplicationState(String key, byte[] value) {
        byte[] copy = value.clone();
        return run(() -> node.setApplicationState(key, copy));
    }

    /** Registers a handler for application messages of a type in [1024, 65535]. */
    public void registerHandler(int type, MessageHandler handler) {
        node.registerApplicationHandler(type, handler);
    }

    /** Sends an application message to a member; completes with false if it is unknown. */
    public CompletableFuture<Boolean> send(NodeId to, int type, byte[] payload) {
        byte[] copy = payload.clone();
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(node.sendApplicationMessage(to, type, copy));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Joins through, or invites, the node at the address (CLUSTER MEET). */
    public CompletableFuture<Void> meet(NodeAddress address) {
        return run(() -> node.meet(address));
    }

    /** Forgets a member and bans its ID for a while (CLUSTER FORGET). */
    public CompletableFuture<Void> forget(NodeId id) {
        return run(() -> node.forget(id));
    }

    /** Leaves gracefully; completes when this member has been removed (or its exit timed out). */
    public CompletableFuture<Void> leave() {
        loop.execute(() -> {
            if (!node.isJoined() || node.selfState().status() == MemberStatus.JOINING) {
                node.stop();
                removed.complete(null);
            } else {
                node.leave();
            }
        });
        return removed;
    }

    /** Stops the member at once, without leaving: to the others it looks like a crash. */
    @Override
    public void close() {
        try {
            run(node::stop).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing anyway.
        }
        transport.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private CompletableFuture<Void> run(Runnable action) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                action.run();
                result.complete(null);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private <T> T call(Callable<T> read) {
        if (loop.inEventLoop()) {
            try {
                return read.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return loop.submit(read).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
