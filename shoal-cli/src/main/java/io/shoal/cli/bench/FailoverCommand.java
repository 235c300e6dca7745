package io.shoal.cli.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `shoal bench failover`: kill -9 masters of a running cluster (on this host) under write load;
 * print the failover time per kill as a cluster client sees it and the acknowledged writes lost.
 * The last line starts with RESULT and holds the figures as name=value pairs for scripts.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Kill -9 masters under load; time until writes to their slots succeed; count lost writes.")
public final class FailoverCommand implements Callable<Integer> {
  @Option(names = "--seed", required = true, description = "A node of the cluster, host:port.")
  String seed;

  @Option(names = "--kills", defaultValue = "20", description = "Masters to kill, one after the other (default 20).")
  int kills;

  @Option(names = "--restart", required = true,
      description = "Command that starts a killed node again; {port} and {dir} (its CONFIG GET dir) are replaced.")
  String restart;

  @Option(names = "--node-timeout", defaultValue = "1000",
      description = "The cluster's cluster-node-timeout in ms (default 1000); bounds the waits.")
  long nodeTimeoutMillis;

  @Option(names = "--writers", defaultValue = "8", description = "Writer threads (default 8).")
  int writers;

  @Option(names = "--rate", defaultValue = "2000", description = "Total writes per second (default 2000).")
  int rate;

  @Option(names = "--recovery-timeout", defaultValue = "60",
      description = "Seconds to wait for the cluster to become whole again (default 60).")
  long recoverySeconds;

  @Override
  public Integer call() throws Exception {
    // Redis needs the node timeout plus a few seconds at most; twenty node timeouts and at least
    // fifteen seconds tell "slow" from "never".
    Duration failoverTimeout = Duration.ofMillis(Math.max(15_000, 20 * nodeTimeoutMillis));
    FailoverProbe.Plan plan = new FailoverProbe.Plan(seed, kills, restart, writers, rate, failoverTimeout,
        Duration.ofSeconds(recoverySeconds));
    try {
      FailoverProbe.Result result = new FailoverProbe(plan, System.out).run();
      System.out.printf("failover ms: median %d, min %d, max %d over %d kills%n", result.failoverMedianMillis(),
          result.failoverMinMillis(), result.failoverMaxMillis(), result.kills().size());
      System.out.printf("writes: %d acknowledged, %d failed (not acknowledged), %s%n", result.acknowledged(),
          result.failed(), result.verdict());
      System.out.printf("RESULT kills=%d failover_median_ms=%d failover_max_ms=%d acked=%d failed=%d lost=%d%n",
          result.kills().size(), result.failoverMedianMillis(), result.failoverMaxMillis(), result.acknowledged(),
          result.failed(), result.verdict().lost());
      return 0;
    } catch (FailoverProbe.ProbeFailure failure) {
      System.out.println("ERROR: " + failure.getMessage());
      return 1;
    }
  }
}
