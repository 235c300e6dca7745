package io.shoal.server.config;

import io.shoal.server.resp.RequestParser;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.util.Glob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Every configuration parameter of a node, as CONFIG GET/SET/REWRITE and the config file see them.
 *
 * <p>The file format is Redis's: one "name value..." directive per line, '#' comments, quoted
 * values as in inline commands. CONFIG SET of several parameters applies all or none, as Redis 7
 * does. Command families define their own parameters at start-up, so this class knows none of them.
 */
public final class Settings {
  private final Map<String, Setting> byName = new TreeMap<>();
  private final Map<String, Setting> canonical = new LinkedHashMap<>();
  private Path file;

  public Setting define(String name, Setting.Kind kind, String defaultValue) {
    return define(name, kind, defaultValue, true, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, null, List.of());
  }

  public Setting defineInteger(String name, String defaultValue, long min, long max) {
    return define(name, Setting.Kind.INTEGER, defaultValue, true, List.of(), min, max, null, List.of());
  }

  public Setting defineEnum(String name, String defaultValue, String... choices) {
    return define(name, Setting.Kind.ENUM, defaultValue, true, List.of(choices), 0, 0, null, List.of());
  }

  public Setting defineImmutable(String name, Setting.Kind kind, String defaultValue) {
    return define(name, kind, defaultValue, false, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, null, List.of());
  }

  public Setting define(String name, Setting.Kind kind, String defaultValue, boolean mutable,
      List<String> choices, long min, long max, UnaryOperator<String> normaliser, List<String> aliases) {
    Setting existing = canonical.get(name);
    if (existing != null) {
      return existing;
    }
    Setting setting = new Setting(name, aliases, kind, defaultValue, mutable, choices, min, max, normaliser);
    canonical.put(name, setting);
    byName.put(name, setting);
    for (String alias : aliases) {
      byName.put(alias, setting);
    }
    return setting;
  }

  public Setting get(String name) {
    Setting setting = byName.get(name.toLowerCase());
    if (setting == null) {
      throw new IllegalArgumentException("no such setting: " + name);
    }
    return setting;
  }

  public Setting find(String name) {
    return byName.get(name.toLowerCase());
  }

  public Collection<Setting> all() {
    return canonical.values();
  }

  public Path file() {
    return file;
  }

  /** CONFIG GET: name/value pairs of every parameter matching any of the patterns. */
  public Map<String, String> matching(List<String> patterns) {
    Map<String, String> result = new TreeMap<>();
    for (Map.Entry<String, Setting> entry : byName.entrySet()) {
      for (String pattern : patterns) {
        boolean glob = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
        boolean hit = glob ? Glob.matches(pattern, entry.getKey()) : pattern.equalsIgnoreCase(entry.getKey());
        if (hit) {
          result.put(entry.getKey(), entry.getValue().displayValue());
          break;
        }
      }
    }
    return result;
  }

  /** CONFIG SET name value [name value ...]: validates all first, then applies all. */
  public void set(List<String[]> pairs) {
    Map<Setting, String> validated = new LinkedHashMap<>();
    for (String[] pair : pairs) {
      Setting setting = byName.get(pair[0].toLowerCase());
      if (setting == null) {
        throw ShoalError.err("Unknown option or number of arguments for CONFIG SET - '" + pair[0] + "'");
      }
      if (!setting.mutable()) {
        throw ShoalError.err("CONFIG SET failed (possibly related to argument '" + pair[0] + "') - can't set immutable config");
      }
      if (validated.containsKey(setting)) {
        throw ShoalError.err("CONFIG SET failed (possibly related to argument '" + pair[0] + "') - duplicate parameter");
      }
      validated.put(setting, setting.validate(pair[1]));
    }
    Map<Setting, String> previous = new LinkedHashMap<>();
    try {
      for (Map.Entry<Setting, String> entry : validated.entrySet()) {
        previous.put(entry.getKey(), entry.getKey().text());
        entry.getKey().apply(entry.getValue());
        entry.getKey().notifyListener();
      }
    } catch (RuntimeException e) {
      for (Map.Entry<Setting, String> entry : previous.entrySet()) {
        entry.getKey().apply(entry.getValue());
        entry.getKey().notifyListener();
      }
      throw e instanceof ShoalError ? e : ShoalError.err("CONFIG SET failed - " + e.getMessage());
    }
  }

  /** Applies a value at start-up (command line or file), where immutable settings are allowed. */
  public void initialise(String name, String value) {
    Setting setting = byName.get(name.toLowerCase());
    if (setting == null) {
      throw new IllegalArgumentException("Bad directive or wrong number of arguments: '" + name + "'");
    }
    setting.apply(setting.validate(value));
  }

  /** Reads a Redis-style config file. */
  public void load(Path path) throws IOException {
    this.file = path;
    int lineNumber = 0;
    for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
      lineNumber++;
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      List<byte[]> parts = RequestParser.splitArgs(trimmed.getBytes(StandardCharsets.UTF_8));
      if (parts == null || parts.isEmpty()) {
        throw new IllegalArgumentException(path + ":" + lineNumber + ": unbalanced quotes");
      }
      String name = new String(parts.get(0), StandardCharsets.UTF_8);
      List<String> values = new ArrayList<>();
      for (int i = 1; i < parts.size(); i++) {
        values.add(new String(parts.get(i), StandardCharsets.UTF_8));
      }
      try {
        initialise(name, String.join(" ", values));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(path + ":" + lineNumber + ": " + e.getMessage(), e);
      }
    }
  }

  public void file(Path path) {
    this.file = path;
  }

  /**
   * CONFIG REWRITE: writes every parameter that differs from its default into the config file,
   * keeping comments and unknown lines, replacing lines of known parameters. The file is written
   * to a temporary name and renamed, so a crash never leaves half a file.
   */
  public void rewrite() throws IOException {
    if (file == null) {
      throw ShoalError.err("The server is running without a config file");
    }
    List<String> kept = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String trimmed = line.trim();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          String name = trimmed.split("\\s+", 2)[0];
          if (byName.containsKey(name.toLowerCase())) {
            continue;
          }
        }
        kept.add(line);
      }
    }
    for (Setting setting : canonical.values()) {
      if (!setting.text().equals(setting.defaultValue())) {
        kept.add(setting.name() + " " + quote(setting.text()));
      }
    }
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temporary, kept, StandardCharsets.UTF_8);
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String quote(String value) {
    if (value.isEmpty() || value.contains(" ") || value.contains("\"")) {
      return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return value;
  }
}
