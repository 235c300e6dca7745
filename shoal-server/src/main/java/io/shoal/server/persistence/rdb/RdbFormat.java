package io.shoal.server.persistence.rdb;

/**
 * The constants of the RDB format as Redis 7 defines them in {@code rdb.h}: value types, opcodes
 * and the length and string encodings.
 *
 * <p>Shoal writes RDB version 10, the version of Redis 7.0: Redis 7.0 refuses files and DUMP
 * payloads of a newer version, and version 11 (Redis 7.2) only adds the SET_LISTPACK type, which
 * Shoal does not need to write. It reads versions 1 to 11.
 */
public final class RdbFormat {
  public static final int WRITE_VERSION = 10;
  public static final int MAX_READ_VERSION = 11;

  public static final int TYPE_STRING = 0;
  public static final int TYPE_LIST = 1;
  public static final int TYPE_SET = 2;
  public static final int TYPE_ZSET = 3;
  public static final int TYPE_HASH = 4;
  public static final int TYPE_ZSET_2 = 5;
  public static final int TYPE_MODULE = 6;
  public static final int TYPE_MODULE_2 = 7;
  public static final int TYPE_HASH_ZIPMAP = 9;
  public static final int TYPE_LIST_ZIPLIST = 10;
  public static final int TYPE_SET_INTSET = 11;
  public static final int TYPE_ZSET_ZIPLIST = 12;
  public static final int TYPE_HASH_ZIPLIST = 13;
  public static final int TYPE_LIST_QUICKLIST = 14;
  public static final int TYPE_STREAM_LISTPACKS = 15;
  public static final int TYPE_HASH_LISTPACK = 16;
  public static final int TYPE_ZSET_LISTPACK = 17;
  public static final int TYPE_LIST_QUICKLIST_2 = 18;
  public static final int TYPE_STREAM_LISTPACKS_2 = 19;
  public static final int TYPE_SET_LISTPACK = 20;
  public static final int TYPE_STREAM_LISTPACKS_3 = 21;

  public static final int OPCODE_FUNCTION_2 = 245;
  public static final int OPCODE_FUNCTION_PRE_GA = 246;
  public static final int OPCODE_MODULE_AUX = 247;
  public static final int OPCODE_IDLE = 248;
  public static final int OPCODE_FREQ = 249;
  public static final int OPCODE_AUX = 250;
  public static final int OPCODE_RESIZEDB = 251;
  public static final int OPCODE_EXPIRETIME_MS = 252;
  public static final int OPCODE_EXPIRETIME = 253;
  public static final int OPCODE_SELECTDB = 254;
  public static final int OPCODE_EOF = 255;

  public static final int QUICKLIST_NODE_PLAIN = 1;
  public static final int QUICKLIST_NODE_PACKED = 2;

  static final int LENGTH_32BIT = 0x80;
  static final int LENGTH_64BIT = 0x81;
  static final int ENCODED = 0xC0;
  static final int ENCODING_INT8 = 0;
  static final int ENCODING_INT16 = 1;
  static final int ENCODING_INT32 = 2;
  static final int ENCODING_LZF = 3;

  private RdbFormat() {}
}
