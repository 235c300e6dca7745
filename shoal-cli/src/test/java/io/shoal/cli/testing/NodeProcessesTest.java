package io.shoal.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cli.bench.ClusterNode;
import io.shoal.cli.testing.NodeProcesses.Node;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness on three Shoal masters (what works without replication): a cluster formed with
 * redis-cli, a paused node seen failing by the others and whole again once resumed, a killed node
 * restarted in its directory back with its identity and slots.
 */
class NodeProcessesTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void pausedAndKilledNodesAreSeenFailingAndComeBackWhole() throws Exception {
    try (NodeProcesses cluster = NodeProcesses.start(NodeProcesses.Flavor.SHOAL, 3, Duration.ofMillis(1_000))) {
      cluster.formCluster(0);
      assertThat(cluster.mastersWithSlots()).hasSize(3);
      Node third = cluster.node(2);
      ClusterNode before = third.self().orElseThrow();
      assertThat(before.slotCount()).isGreaterThan(5_000);

      third.pause();
      try {
        cluster.awaitCondition("the others flag the paused node failing", Duration.ofSeconds(10),
            () -> cluster.node(0).view().map(view -> view.stream()
                .anyMatch(n -> n.endpoint().equals(third.endpoint()) && n.isFailing())).orElse(false));
      } finally {
        third.resume();
      }
      cluster.awaitWhole(Duration.ofSeconds(20));

      long pid = third.pid();
      third.kill();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
      third.restart();
      assertThat(third.pid()).isNotEqualTo(pid);
      cluster.awaitWhole(Duration.ofSeconds(30));
      ClusterNode after = third.self().orElseThrow();
      assertThat(after.id()).isEqualTo(before.id());
      assertThat(after.slotCount()).isEqualTo(before.slotCount());
    }
  }
}
