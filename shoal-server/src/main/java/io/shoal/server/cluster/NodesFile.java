package io.shoal.server.cluster;

import io.shoal.cluster.member.NodeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster config file (nodes-&lt;port&gt;.conf), in Redis's format: one CLUSTER NODES line per
 * known node (a replica's line has the {@code slave} flag and its master's ID) and a final {@code vars currentEpoch N lastVoteEpoch M} line. It is rewritten whole on
 * every change, to a temporary file renamed over the old one, so a crash leaves either the old or
 * the new file, never half of one (Redis's {@code clusterSaveConfig} does the same since 7.0).
 */
public final class NodesFile {
  private final Path path;

  public NodesFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  public void save(ClusterState state) {
    String text;
    synchronized (state) {
      text = NodesFormat.describeAll(state) + "vars currentEpoch " + state.currentEpoch() + " lastVoteEpoch "
          + state.lastVoteEpoch() + "\n";
    }
    Path temporary = path.resolveSibling(path.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      try {
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the cluster config file " + path, e);
    }
  }

  /** What a saved file holds. */
  public record Contents(NodeId myId, List<KnownNode> nodes, Map<Integer, NodeId> owners, long currentEpoch,
      long lastVoteEpoch) {}

  /** The saved state, or null if there is no file. */
  public Contents load() {
    if (!Files.exists(path)) {
      return null;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NodeId myId = null;
    List<KnownNode> nodes = new ArrayList<>();
    Map<Integer, NodeId> owners = new HashMap<>();
    long currentEpoch = 0;
    long lastVoteEpoch = 0;
    for (String line : lines) {
      String[] parts = line.trim().split(" ");
      if (parts.length < 2) {
        continue;
      }
      if (parts[0].equals("vars")) {
        for (int i = 1; i + 1 < parts.length; i += 2) {
          if (parts[i].equals("currentEpoch")) {
            currentEpoch = Long.parseLong(parts[i + 1]);
          } else if (parts[i].equals("lastVoteEpoch")) {
            lastVoteEpoch = Long.parseLong(parts[i + 1]);
          }
        }
        continue;
      }
      if (parts.length < 8) {
        throw new IllegalStateException("Unrecoverable error: corrupted cluster config file \"" + line + "\"");
      }
      NodeId id = NodeId.parse(parts[0]);
      String address = parts[1];
      int comma = address.indexOf(',');
      if (comma >= 0) {
        address = address.substring(0, comma);
      }
      io.shoal.cluster.member.NodeAddress parsed = io.shoal.cluster.member.NodeAddress.parse(address);
      boolean failed = parts[2].contains("fail");
      if (parts[2].contains("myself")) {
        myId = id;
      }
      NodeId master = parts[2].contains("slave") && !parts[3].equals("-") ? NodeId.parse(parts[3]) : null;
      nodes.add(new KnownNode(id, parsed.host(), parsed.port(), parsed.busPort(), Long.parseLong(parts[6]), failed,
          Long.parseLong(parts[5]), master, 0));
      for (int i = 8; i < parts.length; i++) {
        String range = parts[i];
        if (range.startsWith("[")) {
          continue;
        }
        int dash = range.indexOf('-');
        int start = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
        int end = dash < 0 ? start : Integer.parseInt(range.substring(dash + 1));
        for (int slot = start; slot <= end; slot++) {
          owners.put(slot, id);
        }
      }
    }
    return new Contents(myId, nodes, owners, currentEpoch, lastVoteEpoch);
  }
}
