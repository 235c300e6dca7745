package io.shoal.cluster.gossip;

import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/** Field helpers shared by the gossip messages. */
final class GossipCodec {

    private GossipCodec() {
    }

    static void writeLongs(WireWriter writer, long[] values) {
        writer.writeInt(values.length);
        for (long value : values) {
            writer.writeLong(value);
        }
    }

    static long[] readLongs(WireReader reader, int countMax) {
        int count = reader.readCount(countMax, "words");
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = reader.readLong();
        }
        return values;
    }
}
