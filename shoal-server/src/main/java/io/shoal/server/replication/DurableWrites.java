package io.shoal.server.replication;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.config.Setting;
import io.shoal.server.server.ServerModule;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Durable mode ({@code cluster-durable yes}): a write is acknowledged only once a majority of its
 * shard holds it, so no single failure or partition can lose an acknowledged write.
 *
 * <p>A shard of S members (the master and its replicas) acknowledges a write when A = S/2 + 1 of
 * them have it: the master and S/2 replicas. The write's reply is held by a reply barrier until
 * that many replicas acknowledged the write's replication offset (the master asks them with a
 * {@code REPLCONF GETACK} behind the write, shared by the writes of a pipelined batch); if they do not within the node timeout the connection is closed without the
 * reply, so the client cannot take the write as done. A master that has not heard from enough
 * replicas within the node timeout refuses writes up front, as {@code min-replicas-to-write} does,
 * so a master cut off from its shard stops accepting writes. The other half of the guarantee is in
 * the election: a replica wins only with the longest history among S - A + 1 shard members, which
 * any acknowledged write's A holders intersect.
 */
public final class DurableWrites implements ServerModule {
  static final String NO_QUORUM = "NOREPLICAS Not enough good replicas to write.";
  private Setting durable;
  private ShoalServer server;
  private ReplicationModule replication;
  private volatile IntSupplier shardReplicas = () -> 0;
  /**
   * The most replicas this node has had since it last became a master. A replica that turns into
   * a master (a failover this node has not heard of yet) leaves the count before this node loses
   * its slots; counting from the high-water mark keeps such a stale master from acknowledging
   * writes on its own meanwhile.
   */
  private int replicasHighWater;
  private volatile java.util.function.LongSupplier nodeTimeoutMillis = () -> 15_000;

  @Override
  public void install(ShoalServer server) {
    this.server = server;
    durable = server.settings().define("cluster-durable", Setting.Kind.BOOLEAN, "no");
    replication = server.module(ReplicationModule.class);
    server.addReplyBarrier(this::hold);
    server.addGate(this::refuse);
  }

  /** Cluster mode tells how many replicas the shard has (failed ones included) and its node timeout. */
  public void shard(IntSupplier replicas, java.util.function.LongSupplier timeoutMillis) {
    this.shardReplicas = replicas;
    this.nodeTimeoutMillis = timeoutMillis;
  }

  public boolean enabled() {
    return durable.asBoolean() && server.clusterEnabled();
  }

  /** Replicas that must hold a write besides the master: S/2 for a shard of S members. */
  public synchronized int replicasNeeded() {
    if (replication.isReplica()) {
      replicasHighWater = 0;
      return 0;
    }
    replicasHighWater = Math.max(replicasHighWater, shardReplicas.getAsInt());
    return (1 + replicasHighWater) / 2;
  }

  private CompletableFuture<Boolean> hold(ClientConnection client) {
    long target = client.writeOffset();
    if (target <= client.durableOffset() || !enabled() || replication.isReplica()) {
      return null;
    }
    int needed = replicasNeeded();
    if (needed == 0 || replication.countAcked(target) >= needed) {
      client.durableOffset(target);
      return null;
    }
    return replication.awaitAcksSharingAsk(target, needed, nodeTimeoutMillis.getAsLong()).thenApply(count -> {
      if (count >= needed) {
        client.durableOffset(target);
        return true;
      }
      return false;
    });
  }

  private String refuse(ClientConnection client, CommandSpec spec, byte[][] args) {
    if (!spec.isWrite() || !enabled() || replication.isReplica() || replication.isMasterClient(client)) {
      return null;
    }
    int needed = replicasNeeded();
    long maxLag = Math.max(2_000, nodeTimeoutMillis.getAsLong());
    return needed > 0 && replication.goodReplicas(maxLag) < needed ? NO_QUORUM : null;
  }
}
