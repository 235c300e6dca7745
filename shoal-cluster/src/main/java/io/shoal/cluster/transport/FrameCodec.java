package io.shoal.cluster.transport;

import io.shoal.cluster.member.NodeAddress;

/**
 * The frame of the cluster bus, shared by the Netty transport and the simulator's byte count.
 *
 * <pre>
 * offset  size  field
 *      0     4  length of everything after this field (big-endian), at most frameBytesMax - 4
 *      4     1  version, {@link #VERSION}; a frame of another version is dropped and counted
 *      5     2  message type, see {@link MessageTypes}
 *      7     2  sender host length h, then h bytes of UTF-8 host
 *    9+h     2  sender client port
 *   11+h     2  sender bus port
 *   13+h     …  payload, read by the message's own codec
 * </pre>
 *
 * <p>The sender's address travels in every frame because connections are one-way: a node
 * sends on connections it opened and receives on connections others opened, so the remote
 * socket address is an ephemeral port, not where to answer.
 */
public final class FrameCodec {

    public static final int VERSION = 1;
    public static final int LENGTH_FIELD_BYTES = 4;
    public static final int FRAME_BYTES_MAX_DEFAULT = 4 * 1024 * 1024;

    private FrameCodec() {
    }

    /** One received frame: who sent it, its type, its payload. */
    public record Frame(NodeAddress sender, int type, byte[] payload) {
    }

    /** The whole frame, length field included. */
    public static byte[] encode(NodeAddress sender, int type, byte[] payload) {
        WireWriter writer = new WireWriter(frameBytes(sender, payload.length));
        writer.writeInt(frameBytes(sender, payload.length) - LENGTH_FIELD_BYTES);
        writer.writeByte(VERSION).writeShort(type);
        sender.write(writer);
        writer.writeRaw(payload);
        return writer.toByteArray();
    }

    /** The size of the frame on the wire, length field included. */
    public static int frameBytes(NodeAddress sender, int payloadBytes) {
        return LENGTH_FIELD_BYTES + 1 + 2 + 2 + sender.host().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + 2 + 2 + payloadBytes;
    }

    /**
     * Reads a frame body (the bytes after the length field). Throws
     * {@link MalformedMessageException} on a wrong version or a truncated header.
     */
    public static Frame decodeBody(byte[] body) {
        WireReader reader = new WireReader(body);
        int version = reader.readByte();
        if (version != VERSION) {
            throw new MalformedMessageException("frame version: " + version + " (expected: " + VERSION + ")");
        }
        int type = reader.readShort();
        NodeAddress sender;
        try {
            sender = NodeAddress.read(reader);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("sender address: " + e.getMessage());
        }
        return new Frame(sender, type, reader.readRaw(reader.remaining()));
    }
}
