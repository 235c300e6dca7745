package io.shoal.cluster.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a TCP stream into {@link FrameCodec frames}, never trusting a length it has not checked.
 *
 * <p>After the Netty {@code RedisDecoder} model: an explicit state, one step per state that
 * returns when it needs more bytes. A frame longer than the limit is skipped byte for byte
 * without being buffered (so a hostile length cannot make the node allocate it) and counted; a
 * frame with a bad version or header is dropped and counted; the stream stays in step either
 * way. Only a length that cannot be a frame at all (negative, or shorter than a header) leaves
 * no way to find the next frame, so the connection is closed, and counted.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    /** version (1) + type (2) + empty host (2) + ports (4). */
    static final int BODY_BYTES_MIN = 9;

    private enum State { LENGTH, BODY, DISCARD }

    private final int frameBytesMax;
    private final TransportCounters counters;
    private State state = State.LENGTH;
    private int bodyBytes;
    private long discardBytes;

    public FrameDecoder(int frameBytesMax, TransportCounters counters) {
        this.frameBytesMax = frameBytesMax;
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        while (true) {
            boolean progressed = switch (state) {
                case LENGTH -> decodeLength(context, in);
                case BODY -> decodeBody(in, out);
                case DISCARD -> discard(in);
            };
            if (!progressed || !context.channel().isActive()) {
                return;
            }
        }
    }

    private boolean decodeLength(ChannelHandlerContext context, ByteBuf in) {
        if (in.readableBytes() < FrameCodec.LENGTH_FIELD_BYTES) {
            return false;
        }
        int length = in.readInt();
        if (length < BODY_BYTES_MIN) {
            // No way to find the next frame boundary: close rather than guess.
            counters.malformed();
            in.skipBytes(in.readableBytes());
            context.close();
            return false;
        }
        if (length > frameBytesMax - FrameCodec.LENGTH_FIELD_BYTES) {
            counters.oversized();
            discardBytes = length;
            state = State.DISCARD;
            return true;
        }
        bodyBytes = length;
        state = State.BODY;
        return true;
    }

    private boolean decodeBody(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < bodyBytes) {
            return false;
        }
        byte[] body = new byte[bodyBytes];
        in.readBytes(body);
        state = State.LENGTH;
        try {
            FrameCodec.Frame frame = FrameCodec.decodeBody(body);
            counters.received(bodyBytes + FrameCodec.LENGTH_FIELD_BYTES);
            out.add(frame);
        } catch (MalformedMessageException e) {
            counters.malformed();
        }
        return true;
    }

    private boolean discard(ByteBuf in) {
        int skip = (int) Math.min(discardBytes, in.readableBytes());
        in.skipBytes(skip);
        discardBytes -= skip;
        if (discardBytes == 0) {
            state = State.LENGTH;
            return true;
        }
        return false;
    }
}
