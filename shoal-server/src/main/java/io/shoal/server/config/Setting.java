package io.shoal.server.config;

import io.shoal.server.resp.ShoalError;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One configuration parameter: its name, default, how a new value is checked and normalised, and
 * who must hear of a change. Values are kept as the text CONFIG GET returns, with a parsed long
 * beside it for the hot paths that read numbers (maxmemory, slowlog thresholds).
 */
public final class Setting {
  public enum Kind { BOOLEAN, INTEGER, MEMORY, ENUM, STRING }

  private final String name;
  private final List<String> aliases;
  private final Kind kind;
  private final String defaultValue;
  private final boolean mutable;
  private final List<String> choices;
  private final long min;
  private final long max;
  private final UnaryOperator<String> normaliser;
  private volatile String text;
  private volatile long number;
  private volatile Consumer<Setting> listener = s -> {};

  Setting(String name, List<String> aliases, Kind kind, String defaultValue, boolean mutable,
      List<String> choices, long min, long max, UnaryOperator<String> normaliser) {
    this.name = name;
    this.aliases = aliases;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.mutable = mutable;
    this.choices = choices;
    this.min = min;
    this.max = max;
    this.normaliser = normaliser;
    apply(defaultValue);
  }

  public String name() {
    return name;
  }

  public List<String> aliases() {
    return aliases;
  }

  public boolean mutable() {
    return mutable;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String text() {
    return text;
  }

  public long asLong() {
    return number;
  }

  public int asInt() {
    return (int) number;
  }

  public boolean asBoolean() {
    return number != 0;
  }

  public void onChange(Consumer<Setting> consumer) {
    this.listener = consumer;
    consumer.accept(this);
  }

  /** Validates without applying; returns the normalised text or throws with Redis's wording. */
  String validate(String value) {
    String normalised = normaliser == null ? value : normaliser.apply(value);
    switch (kind) {
      case BOOLEAN:
        String lower = normalised.toLowerCase();
        if (!lower.equals("yes") && !lower.equals("no")) {
          throw invalid(value, "argument must be 'yes' or 'no'");
        }
        return lower;
      case INTEGER:
      case MEMORY: {
        long parsed = kind == Kind.MEMORY ? MemoryUnits.parse(normalised) : parseInteger(normalised);
        if (parsed == Long.MIN_VALUE) {
          throw invalid(value, kind == Kind.MEMORY ? "argument must be a memory value" : "argument couldn't be parsed into an integer");
        }
        if (parsed < min || parsed > max) {
          throw invalid(value, "argument must be between " + min + " and " + max + " inclusive");
        }
        return kind == Kind.MEMORY ? normalised.toLowerCase() : Long.toString(parsed);
      }
      case ENUM:
        String choice = normalised.toLowerCase();
        if (!choices.contains(choice)) {
          throw invalid(value, "argument(s) must be one of the following: " + String.join(", ", choices));
        }
        return choice;
      default:
        return normalised;
    }
  }

  private ShoalError invalid(String value, String reason) {
    return ShoalError.err("Invalid argument '" + value + "' for CONFIG SET '" + name + "' - " + reason);
  }

  private static long parseInteger(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  void apply(String validated) {
    this.text = validated;
    switch (kind) {
      case BOOLEAN:
        number = validated.equalsIgnoreCase("yes") ? 1 : 0;
        break;
      case INTEGER:
        number = Long.parseLong(validated);
        break;
      case MEMORY:
        number = MemoryUnits.parse(validated);
        break;
      case ENUM:
        number = choices.indexOf(validated);
        break;
      default:
        break;
    }
  }

  void notifyListener() {
    listener.accept(this);
  }

  /** For CONFIG GET of memory values Redis prints the byte count, not the text given. */
  public String displayValue() {
    if (kind == Kind.MEMORY) {
      return Long.toString(number);
    }
    return text;
  }
}
