package io.shoal.cli.bench;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a killed node again from a command template ({@code {port}} and {@code {dir}} replaced,
 * run by {@code sh -c exec ...} so the node is the child itself), its output in
 * {@code <dir>/restart-<port>.log}. Every node it started is killed when it is closed, also from a
 * shutdown hook, so an interrupted run leaves nothing behind.
 */
public final class Restarter implements AutoCloseable {
  private final String template;
  private final List<Process> started = new ArrayList<>();
  private final Thread hook = new Thread(this::killAll, "restarter-cleanup");

  public Restarter(String template) {
    this.template = template;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  public static String command(String template, int port, String dir) {
    return template.replace("{port}", Integer.toString(port)).replace("{dir}", dir);
  }

  public synchronized Process restart(int port, String dir) throws IOException {
    String command = command(template, port, dir);
    File log = new File(dir, "restart-" + port + ".log");
    Process process = new ProcessBuilder("sh", "-c", "exec " + command)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    started.add(process);
    return process;
  }

  private synchronized void killAll() {
    for (Process process : started) {
      process.destroyForcibly();
    }
    for (Process process : started) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    started.clear();
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running already.
    }
  }
}
