package io.shoal.cluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.shoal.cluster.failure.Heartbeat;
import io.shoal.cluster.failure.HeartbeatReply;
import io.shoal.cluster.gossip.GossipAck;
import io.shoal.cluster.gossip.GossipDelta;
import io.shoal.cluster.gossip.GossipSyn;
import io.shoal.cluster.join.JoinReply;
import io.shoal.cluster.join.JoinRequest;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final NodeAddress SENDER = new NodeAddress("127.0.0.1", 7000, 17000);
    private static final int FRAME_BYTES_MAX = 1024;

    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX, counters));

    @AfterEach
    void nothingLeftOver() {
        Object leftover = channel.readInbound();
        assertThat(leftover).isNull();
        channel.finishAndReleaseAll();
    }

    private static byte[] frame(int type, byte[] payload) {
        return FrameCodec.encode(SENDER, type, payload);
    }

    @Test
    void decodesFramesFedOneByteAtATime() {
        byte[] first = frame(1, new byte[] {1, 2, 3});
        byte[] second = frame(2, new byte[0]);
        for (byte[] frame : List.of(first, second)) {
            for (byte b : frame) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        }
        FrameCodec.Frame a = channel.readInbound();
        FrameCodec.Frame b = channel.readInbound();
        assertThat(a.sender()).isEqualTo(SENDER);
        assertThat(a.type()).isEqualTo(1);
        assertThat(a.payload()).containsExactly(1, 2, 3);
        assertThat(b.type()).isEqualTo(2);
        assertThat(counters.messagesReceived()).isEqualTo(2);
    }

    @Test
    void oversizedFrameIsSkippedAndCountedAndTheStreamGoesOn() {
        byte[] big = frame(1, new byte[FRAME_BYTES_MAX]);
        byte[] next = frame(3, new byte[] {9});
        ByteBuf stream = Unpooled.wrappedBuffer(big, next);
        // Feed in chunks smaller than the oversized frame to exercise the discard state.
        while (stream.isReadable()) {
            channel.writeInbound(stream.readRetainedSlice(Math.min(100, stream.readableBytes())));
        }
        stream.release();
        FrameCodec.Frame frame = channel.readInbound();
        assertThat(frame.type()).isEqualTo(3);
        assertThat(counters.oversizedDropped()).isEqualTo(1);
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void unknownVersionIsDroppedAndCounted() {
        byte[] bad = frame(1, new byte[] {1});
        bad[4] = 99;
        channel.writeInbound(Unpooled.wrappedBuffer(bad, frame(4, new byte[0])));
        FrameCodec.Frame frame = channel.readInbound();
        assertThat(frame.type()).isEqualTo(4);
        assertThat(counters.malformedDropped()).isEqualTo(1);
    }

    @Test
    void impossibleLengthClosesTheConnection() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1}));
        assertThat(counters.malformedDropped()).isEqualTo(1);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void randomGarbageNeverThrows() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            EmbeddedChannel fuzz = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX, new TransportCounters()));
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            fuzz.writeInbound(Unpooled.wrappedBuffer(garbage));
            Object decoded;
            while ((decoded = fuzz.readInbound()) != null) {
                assertThat(decoded).isInstanceOf(FrameCodec.Frame.class);
            }
            fuzz.finishAndReleaseAll();
        }
    }

    @Test
    void truncatedOrCorruptMessagesFailOnlyAsMalformed() {
        NodeId id = NodeId.parse("0123456789abcdef0123456789abcdef01234567");
        List<Function<WireReader, ?>> readers = List.of(Heartbeat::read, HeartbeatReply::read, GossipSyn::read,
                GossipAck::read, GossipDelta::read, JoinRequest::read, JoinReply::read);
        byte[] valid = new Heartbeat(id, 1).encode();
        SplittableRandom random = new SplittableRandom(2);
        for (Function<WireReader, ?> reader : readers) {
            for (int i = 0; i < 300; i++) {
                byte[] bytes = new byte[random.nextInt(120)];
                random.nextBytes(bytes);
                if (i % 3 == 0) {
                    System.arraycopy(valid, 0, bytes, 0, Math.min(valid.length, bytes.length));
                }
                try {
                    reader.apply(new WireReader(bytes));
                } catch (MalformedMessageException | IllegalArgumentException expected) {
                    // Dropped and counted by the node.
                }
            }
        }
    }
}
