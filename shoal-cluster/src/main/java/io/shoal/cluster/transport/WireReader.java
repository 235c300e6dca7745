package io.shoal.cluster.transport;

import java.nio.charset.StandardCharsets;

/**
 * Reads big-endian fields from a byte array, checking every length against what remains.
 *
 * <p>Any read past the end, or a length or count above the limit the caller gives, throws
 * {@link MalformedMessageException}: a reader never allocates what a hostile length claims.
 */
public final class WireReader {

    private final byte[] bytes;
    private int position;
    private final int end;

    public WireReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    public WireReader(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.position = offset;
        this.end = offset + length;
    }

    public int remaining() {
        return end - position;
    }

    public int readByte() {
        require(1);
        return bytes[position++] & 0xFF;
    }

    public int readShort() {
        require(2);
        int value = ((bytes[position] & 0xFF) << 8) | (bytes[position + 1] & 0xFF);
        position += 2;
        return value;
    }

    public int readInt() {
        require(4);
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (bytes[position++] & 0xFF);
        }
        return value;
    }

    public long readLong() {
        require(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[position++] & 0xFF);
        }
        return value;
    }

    /** A count that must lie in [0, countMax]. */
    public int readCount(int countMax, String what) {
        int count = readInt();
        if (count < 0 || count > countMax) {
            throw new MalformedMessageException(what + ": " + count + " (expected: 0 <= count <= " + countMax + ")");
        }
        return count;
    }

    public byte[] readBytes(int lengthMax) {
        int length = readCount(lengthMax, "byte array length");
        return readRaw(length);
    }

    public byte[] readRaw(int length) {
        require(length);
        byte[] value = new byte[length];
        System.arraycopy(bytes, position, value, 0, length);
        position += length;
        return value;
    }

    public String readString(int lengthMax) {
        int length = readShort();
        if (length > lengthMax) {
            throw new MalformedMessageException("string length: " + length + " (expected: <= " + lengthMax + ")");
        }
        require(length);
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** Fails if bytes are left over: a message must be read exactly. */
    public void expectEnd() {
        if (position != end) {
            throw new MalformedMessageException("trailing bytes: " + (end - position) + " (expected: 0)");
        }
    }

    private void require(int length) {
        if (length < 0 || end - position < length) {
            throw new MalformedMessageException(
                    "truncated: need " + length + " bytes, " + (end - position) + " remain");
        }
    }
}
