package io.shoal.cli;

import io.shoal.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one `shoal` command: run a node, a local cluster, the simulator. */
@Command(name = "shoal", mixinStandardHelpOptions = true, version = "shoal 0.1.0",
    description = "A decentralized, peer-to-peer, Redis-protocol data cluster.",
    subcommands = {ServerCommand.class, LocalCommand.class, ClusterCommand.class, SimCommand.class,
        BenchCommand.class})
public final class ShoalCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int exit = new CommandLine(new ShoalCli()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
