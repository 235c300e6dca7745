package io.shoal.server.eviction;

import java.util.Locale;

/** The maxmemory-policy values, with what each samples and how it ranks a candidate. */
public enum EvictionPolicy {
  NOEVICTION(false, Rank.NONE),
  ALLKEYS_LRU(false, Rank.ACCESS),
  ALLKEYS_LFU(false, Rank.ACCESS),
  ALLKEYS_RANDOM(false, Rank.RANDOM),
  VOLATILE_LRU(true, Rank.ACCESS),
  VOLATILE_LFU(true, Rank.ACCESS),
  VOLATILE_RANDOM(true, Rank.RANDOM),
  VOLATILE_TTL(true, Rank.TTL);

  /** How candidates are compared: by access clock, by nearest expiry, or not at all. */
  enum Rank { NONE, ACCESS, TTL, RANDOM }

  final boolean volatileOnly;
  final Rank rank;

  EvictionPolicy(boolean volatileOnly, Rank rank) {
    this.volatileOnly = volatileOnly;
    this.rank = rank;
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public boolean lfu() {
    return this == ALLKEYS_LFU || this == VOLATILE_LFU;
  }

  public static EvictionPolicy parse(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
