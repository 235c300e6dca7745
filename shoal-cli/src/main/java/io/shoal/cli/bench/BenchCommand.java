package io.shoal.cli.bench;

import picocli.CommandLine.Command;

/** `shoal bench ...`: measurements against a running cluster (Redis or Shoal alike). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure a running cluster.",
    subcommands = {FailoverCommand.class})
public final class BenchCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("Usage: shoal bench failover --seed host:port --restart 'command {port} {dir}' [options]");
  }
}
