package io.shoal.server.keyspace;

/** The Redis data types, with the names TYPE and SCAN ... TYPE use. */
public enum ValueType {
  STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash"), STREAM("stream");

  private final String typeName;

  ValueType(String typeName) {
    this.typeName = typeName;
  }

  public String typeName() {
    return typeName;
  }

  public static ValueType of(Object value) {
    if (value instanceof byte[]) {
      return STRING;
    }
    return ((CollectionValue) value).type();
  }

  public static ValueType parse(String name) {
    for (ValueType type : values()) {
      if (type.typeName.equalsIgnoreCase(name)) {
        return type;
      }
    }
    return null;
  }
}
