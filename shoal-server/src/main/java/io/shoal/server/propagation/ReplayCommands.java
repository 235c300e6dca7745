package io.shoal.server.propagation;

import java.nio.charset.StandardCharsets;

/**
 * Names and options of the commands the write stream replays instead of the ones clients sent
 * (Redis's {@code shared.srem}, {@code shared.pexpireat}...). Shared arrays: never modify them.
 */
public final class ReplayCommands {
  public static final byte[] DEL = bytes("DEL");
  public static final byte[] SET = bytes("SET");
  public static final byte[] KEEPTTL = bytes("KEEPTTL");
  public static final byte[] PXAT = bytes("PXAT");
  public static final byte[] PEXPIREAT = bytes("PEXPIREAT");
  public static final byte[] PERSIST = bytes("PERSIST");
  public static final byte[] SREM = bytes("SREM");
  public static final byte[] HSET = bytes("HSET");
  public static final byte[] LPOP = bytes("LPOP");
  public static final byte[] RPOP = bytes("RPOP");
  public static final byte[] LMOVE = bytes("LMOVE");
  public static final byte[] LEFT = bytes("LEFT");
  public static final byte[] RIGHT = bytes("RIGHT");
  public static final byte[] ZPOPMIN = bytes("ZPOPMIN");
  public static final byte[] ZPOPMAX = bytes("ZPOPMAX");
  public static final byte[] RESTORE = bytes("RESTORE");
  public static final byte[] ABSTTL = bytes("ABSTTL");

  private ReplayCommands() {}

  /** A number as a command argument. */
  public static byte[] number(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
