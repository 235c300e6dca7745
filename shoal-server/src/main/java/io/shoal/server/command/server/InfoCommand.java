package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.server.ServerModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * INFO [section ...]: the node described as Redis describes itself ({@code genRedisInfoString}),
 * in sections any module can add to. "default" is what plain INFO prints, "all" adds the
 * non-default sections such as commandstats, "everything" is all of them.
 *
 * <p>Sections are kept in Redis's order; a module that registers a section with a name already
 * present (replication replacing the minimal one, persistence...) takes its place in that order.
 */
public final class InfoCommand implements ServerModule {
  private final Map<String, InfoSection> sections = new LinkedHashMap<>();
  private InstantaneousMetrics metrics;
  private ScheduledFuture<?> sampler;

  @Override
  public void install(ShoalServer server) {
    metrics = new InstantaneousMetrics(server);
    for (InfoSection section : StandardInfoSections.all(server, metrics)) {
      addSection(section);
    }
    server.register(CommandSpec.builder("info", -1).flags(LOADING, STALE).acl("@slow", "@dangerous")
        .group("server").doc("Returns information and statistics about the server.", "1.0.0", "O(1)")
        .handler(this::info).build());
  }

  @Override
  public void start(ShoalServer server) {
    sampler = server.workers().next().scheduleAtFixedRate(metrics::sample,
        InstantaneousMetrics.SAMPLE_INTERVAL_MILLIS, InstantaneousMetrics.SAMPLE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop(ShoalServer server) {
    if (sampler != null) {
      sampler.cancel(false);
    }
  }

  /** Adds a section, or replaces the section of the same name where it stands. */
  public synchronized void addSection(InfoSection section) {
    sections.put(section.name().toLowerCase(Locale.ROOT), section);
  }

  public synchronized List<InfoSection> sections() {
    return new ArrayList<>(sections.values());
  }

  private void info(CommandContext c) {
    Set<String> wanted = new LinkedHashSet<>();
    boolean all = false;
    boolean everything = false;
    boolean defaults = c.argc() == 1;
    for (int i = 1; i < c.argc(); i++) {
      String name = c.argString(i).toLowerCase(Locale.ROOT);
      switch (name) {
        case "all": all = true; break;
        case "everything": everything = true; break;
        case "default": defaults = true; break;
        default: wanted.add(name);
      }
    }
    c.reply().verbatim(render(wanted, defaults, all, everything));
  }

  /** The INFO text for the given selection; used by INFO and by tests. */
  public String render(Set<String> wanted, boolean defaults, boolean all, boolean everything) {
    StringBuilder text = new StringBuilder(4096);
    InfoLines lines = new InfoLines(text);
    for (InfoSection section : sections()) {
      boolean include = everything || all || wanted.contains(section.name()) || (defaults && section.inDefault());
      if (!include) {
        continue;
      }
      if (text.length() > 0) {
        text.append("\r\n");
      }
      text.append("# ").append(title(section.name())).append("\r\n");
      section.write(lines);
    }
    return text.toString();
  }

  private static String title(String name) {
    switch (name) {
      case "cpu": return "CPU";
      case "commandstats": return "Commandstats";
      case "errorstats": return "Errorstats";
      case "latencystats": return "Latencystats";
      default: return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
  }
}
