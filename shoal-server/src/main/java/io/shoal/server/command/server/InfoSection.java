package io.shoal.server.command.server;

/**
 * One section of INFO ("# Server", "# Memory"...). The admin module provides the usual ones;
 * other modules (persistence, replication, cluster) add theirs, or replace a minimal one, with
 * {@link InfoCommand#addSection}.
 */
public interface InfoSection {
  /** The lower-case name INFO accepts as an argument, e.g. "persistence". */
  String name();

  /** Whether plain INFO (the "default" set) includes it; "all" includes every section but "everything"-only ones. */
  default boolean inDefault() {
    return true;
  }

  /** Writes the section's fields; the header is written by INFO. */
  void write(InfoLines lines);
}
