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
   * {@code shoal server} builds only its own command line, and none at all for a plain one
   * ({@link ServerCommand#parsePlain}): picocli reads every subcommand's annotations by
   * reflection, and its classes (compiled for Java 5) stay out of the JVM's start-up cache, so the
   * whole tree cost a node ~0.25 s before it began to load its data, its own command ~0.14 s.
   */
  static boolean serverOnly(String[] args) {
    return args.length > 0 && args[0].equals("server");
  }

  /** The command line's exit code; main without the exit, for the start-up training. */
  static int execute(String[] args) {
    if (!serverOnly(args)) {
      return new CommandLine(new ShoalCli()).execute(args);
    }
    String[] options = java.util.Arrays.copyOfRange(args, 1, args.length);
    ServerCommand plain = ServerCommand.parsePlain(options);
    if (plain != null) {
      return plain.execute();
    }
    return new CommandLine(new ServerCommand()).setCommandName("shoal server").execute(options);
  }

  public static void main(String[] args) {
    int exit = execute(args);
    // A node that stopped exits even if some thread it started is still alive (an I/O thread that
    // did not terminate within ShoalServer.stop's bounds is not a daemon and would hold the JVM).
    if (exit != 0 || serverOnly(args)) {
      System.exit(exit);
    }
  }
}
