package io.shoal.cluster.transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends big-endian fields to a growable byte array.
 *
 * <p>Protocol codecs write through this class rather than Netty's {@code ByteBuf} so that the
 * same bytes are produced in the simulator, where there is no Netty, and on the wire.
 */
public final class WireWriter {

    private byte[] bytes;
    private int length;

    public WireWriter() {
        this(64);
    }

    public WireWriter(int initialCapacityBytes) {
        this.bytes = new byte[Math.max(16, initialCapacityBytes)];
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    public WireWriter writeByte(int value) {
        ensure(1);
        bytes[length++] = (byte) value;
        return this;
    }

    public WireWriter writeShort(int value) {
        ensure(2);
        bytes[length++] = (byte) (value >>> 8);
        bytes[length++] = (byte) value;
        return this;
    }

    public WireWriter writeInt(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes[length++] = (byte) (value >>> shift);
        }
        return this;
    }

    public WireWriter writeLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[length++] = (byte) (value >>> shift);
        }
        return this;
    }

    /** A byte array preceded by its length as an int. */
    public WireWriter writeBytes(byte[] value) {
        writeInt(value.length);
        return writeRaw(value);
    }

    public WireWriter writeRaw(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, length, value.length);
        length += value.length;
        return this;
    }

    /** A UTF-8 string of at most 65535 bytes, preceded by its length as an unsigned short. */
    public WireWriter writeString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException("string length: " + utf8.length + " (expected: <= 65535)");
        }
        writeShort(utf8.length);
        return writeRaw(utf8);
    }

    private void ensure(int extraBytes) {
        if (length + extraBytes > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extraBytes));
        }
    }
}
