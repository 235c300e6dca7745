package io.shoal.cluster.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three members in one JVM over loopback TCP: the embedding API end to end. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterMemberTest {

    private static final int APPLICATION_TYPE = 2000;
    private final List<ClusterMember> members = new ArrayList<>();

    @AfterEach
    void closeAll() {
        members.forEach(ClusterMember::close);
    }

    private List<ClusterMember> startThree() throws Exception {
        int firstPort = freeClientPort();
        NodeAddress seed = NodeAddress.of("127.0.0.1", firstPort);
        for (int i = 0; i < 3; i++) {
            int port = i == 0 ? firstPort : freeClientPort();
            members.add(Cluster.start(ClusterConfig.builder().port(port).seed(seed).randomSeed(i).build()));
        }
        for (ClusterMember member : members) {
            await(() -> member.members().countWithStatus(MemberStatus.UP) == 3, 20_000);
        }
        return members;
    }

    @Test
    void aLoneMemberMeetsAnotherLoneMember() throws Exception {
        // Both form a cluster of one (no seeds), as redis-cli --cluster create finds its nodes;
        // meet must then make the first join the second instead of forming itself again.
        ClusterMember first = Cluster.start(ClusterConfig.builder().port(freeClientPort()).randomSeed(1).build());
        members.add(first);
        ClusterMember second = Cluster.start(ClusterConfig.builder().port(freeClientPort()).randomSeed(2).build());
        members.add(second);
        first.whenUp().get(10, TimeUnit.SECONDS);
        second.whenUp().get(10, TimeUnit.SECONDS);
        first.meet(second.address()).get(5, TimeUnit.SECONDS);
        for (ClusterMember member : members) {
            await(() -> member.members().countWithStatus(MemberStatus.UP) == 2, 20_000);
        }
    }

    @Test
    void applicationStateSpreadsToEveryMember() throws Exception {
        List<ClusterMember> cluster = startThree();
        List<String> seenBy = new java.util.concurrent.CopyOnWriteArrayList<>();
        cluster.get(2).onApplicationStateChange(change -> {
            if (change.key().equals("client-port")) {
                seenBy.add(new String(change.value(), java.nio.charset.StandardCharsets.US_ASCII));
            }
        });
        cluster.get(0).setApplicationState("client-port", "6379".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .get(5, TimeUnit.SECONDS);
        NodeId owner = cluster.get(0).id();
        for (ClusterMember member : cluster) {
            await(() -> member.members().applicationValue(owner, "client-port") != null, 10_000);
        }
        await(() -> seenBy.contains("6379"), 5_000);
    }

    @Test
    void applicationMessagesReachTheMember() throws Exception {
        List<ClusterMember> cluster = startThree();
        CompletableFuture<String> received = new CompletableFuture<>();
        cluster.get(1).registerHandler(APPLICATION_TYPE,
                (from, payload) -> received.complete(from.port() + ":" + new String(payload,
                        java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(cluster.get(0).send(cluster.get(1).id(), APPLICATION_TYPE, "vote?".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(cluster.get(0).address().port() + ":vote?");
    }

    @Test
    void gracefulLeaveEndsInRemoval() throws Exception {
        List<ClusterMember> cluster = startThree();
        NodeId leaving = cluster.get(2).id();
        cluster.get(2).leave().get(30, TimeUnit.SECONDS);
        await(() -> {
            var member = cluster.get(0).members().member(leaving);
            return member == null || member.status() == MemberStatus.REMOVED;
        }, 20_000);
    }

    static void await(BooleanSupplier condition, long boundMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMillis);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("condition not met within " + boundMillis + " ms");
    }

    static int freeClientPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                if (socket.getLocalPort() > 10_000 + 1024) {
                    return socket.getLocalPort() - 10_000;
                }
            }
        }
        throw new IOException("no free port");
    }
}
