package io.shoal.cluster.member;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An application-state value and the owner's version at which it was written.
 *
 * <p>Only the owning member writes its values, drawing versions from one counter per incarnation,
 * so versions of one owner are totally ordered and "newest version wins" needs no clocks.
 */
public record VersionedValue(long version, byte[] value) {

    public VersionedValue {
        if (version < 1) {
            throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public int valueLength() {
        return value.length;
    }

    /** The newer of two values; on an impossible tie the larger bytes win, to stay commutative. */
    public VersionedValue merge(VersionedValue other) {
        if (version != other.version) {
            return version > other.version ? this : other;
        }
        return Arrays.compare(value, other.value) >= 0 ? this : other;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VersionedValue that && version == that.version && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "v" + version + ":" + HexFormat.of().formatHex(value, 0, Math.min(value.length, 16))
                + (value.length > 16 ? "…" : "");
    }
}
