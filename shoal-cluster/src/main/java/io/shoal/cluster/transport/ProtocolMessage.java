package io.shoal.cluster.transport;

/**
 * A message of the membership protocol: a type code and a body. Each message class has a
 * {@code write} here and a static {@code read(WireReader)}, and a golden-byte test pins both.
 */
public interface ProtocolMessage {

    int type();

    void write(WireWriter writer);

    default byte[] encode() {
        WireWriter writer = new WireWriter(256);
        write(writer);
        return writer.toByteArray();
    }
}
