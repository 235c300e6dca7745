package io.shoal.cli;

import io.shoal.cli.testing.NodeProcesses;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;

/**
 * The failover scenarios against Shoal node processes. The bound is generous on purpose: the
 * speed target (under 2 s from kill -9 to the first acknowledged write, cluster-node-timeout 1000)
 * is measured by {@code bench/failover.sh}, not asserted by a test that shares two cores with
 * whatever else runs; here a failover must simply happen within a few node timeouts.
 */
@Tag("failover")
class FailoverProcessesTest extends FailoverScenarios {
  @Override
  NodeProcesses.Flavor flavor() {
    return NodeProcesses.Flavor.SHOAL;
  }

  @Override
  Duration failoverBound() {
    return Duration.ofSeconds(6);
  }

  @Override
  Optional<String> durableSetting() {
    return Optional.of("cluster-durable=yes");
  }
}
