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

  /**
   * {@code shoal server} builds only its own command line: picocli reads every subcommand's
   * annotations by reflection, and its classes (compiled for Java 5) stay out of the JVM's
   * start-up cache, so the whole tree cost a node ~0.1 s before it began to load its data.
   */
  static boolean serverOnly(String[] args) {
    return args.length > 0 && args[0].equals("server");
  }

  public static void main(String[] args) {
    int exit = serverOnly(args) ? new CommandLine(new ServerCommand()).setCommandName("shoal server")
        .execute(java.util.Arrays.copyOfRange(args, 1, args.length))
        : new CommandLine(new ShoalCli()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
