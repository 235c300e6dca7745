package io.shoal.cli;

import io.shoal.cli.testing.NodeProcesses;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;

/**
 * The failover scenarios against Debian's redis-server: the reference behaviour, and the proof that
 * the scenarios and the harness measure what they claim. Redis needs the node timeout plus one to
 * two seconds (plus the client's slot refresh), so its bound is 5 s; it has no durable mode.
 */
@Tag("failover")
class RedisFailoverProcessesTest extends FailoverScenarios {
  @Override
  NodeProcesses.Flavor flavor() {
    return NodeProcesses.Flavor.REDIS;
  }

  @Override
  Duration failoverBound() {
    return Duration.ofSeconds(5);
  }

  @Override
  Optional<String> durableSetting() {
    return Optional.empty();
  }
}
