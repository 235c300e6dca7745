package io.shoal.cluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.failure.Heartbeat;
import io.shoal.cluster.failure.HeartbeatReply;
import io.shoal.cluster.gossip.GossipAck;
import io.shoal.cluster.gossip.GossipDelta;
import io.shoal.cluster.gossip.GossipSyn;
import io.shoal.cluster.join.JoinReply;
import io.shoal.cluster.join.JoinRequest;
import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.Member;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the wire layout: a change here is a protocol version change, not a refactoring. */
class CodecGoldenBytesTest {

    private static final NodeId ID = NodeId.parse("0123456789abcdef0123456789abcdef01234567");
    private static final NodeId OTHER = NodeId.parse("fedcba9876543210fedcba9876543210fedcba98");
    private static final NodeAddress ADDRESS = new NodeAddress("h", 6379, 16379);

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void heartbeat() {
        byte[] bytes = new Heartbeat(ID, 5).encode();
        assertThat(hex(bytes)).isEqualTo("0123456789abcdef0123456789abcdef01234567" + "0000000000000005");
        assertThat(Heartbeat.read(new WireReader(bytes))).isEqualTo(new Heartbeat(ID, 5));
    }

    @Test
    void heartbeatReply() {
        byte[] bytes = new HeartbeatReply(ID, new Incarnation(2), 5).encode();
        assertThat(hex(bytes)).isEqualTo("0123456789abcdef0123456789abcdef01234567" + "0000000000000002"
                + "0000000000000005");
    }

    @Test
    void frame() {
        byte[] frame = FrameCodec.encode(ADDRESS, MessageTypes.HEARTBEAT, new byte[] {(byte) 0xAB});
        // length 13 | version 1 | type 1 | host "h" | port 6379 | bus 16379 | payload
        assertThat(hex(frame)).isEqualTo("0000000b" + "01" + "0001" + "0001" + "68" + "18eb" + "3ffb" + "ab");
        assertThat(frame.length).isEqualTo(FrameCodec.frameBytes(ADDRESS, 1));
    }

    @Test
    void nodeState() {
        NodeState state = NodeState.of(new Member(ID, ADDRESS, new Incarnation(3), MemberStatus.UP))
                .withApplicationValue("p", new byte[] {7})
                .withObservation(OTHER, Incarnation.FIRST, false);
        WireWriter writer = new WireWriter();
        state.write(writer);
        assertThat(hex(writer.toByteArray())).isEqualTo(
                "0123456789abcdef0123456789abcdef01234567" // id
                        + "0001" + "68" + "18eb" + "3ffb" // address
                        + "0000000000000003" + "01" // incarnation, status up
                        + "0001" + "0001" + "70" + "0000000000000001" + "00000001" + "07" // one value
                        + "0001" + "fedcba9876543210fedcba9876543210fedcba98" // one observation
                        + "0000000000000002" + "0000000000000001" + "00");
        assertThat(NodeState.read(new WireReader(writer.toByteArray()))).isEqualTo(state);
    }

    @Test
    void gossipMessagesRoundTrip() {
        NodeState state = NodeState.of(new Member(ID, ADDRESS, new Incarnation(3), MemberStatus.UP));
        GossipSyn syn = new GossipSyn(ID, 9, new long[] {3}, new long[ClusterState.BUCKETS]);
        assertThat(syn.encode()).hasSize(20 + 8 + 4 + 8 + 64 * 8);
        GossipSyn readSyn = GossipSyn.read(new WireReader(syn.encode()));
        assertThat(readSyn.membershipHash()).isEqualTo(9);
        assertThat(readSyn.seenBits()).containsExactly(3);
        GossipAck ack = new GossipAck(ID, 9, new long[] {1}, 1L << 5, List.of(state.digest()));
        assertThat(GossipAck.read(new WireReader(ack.encode())).digests()).containsExactly(state.digest());
        GossipDelta delta = new GossipDelta(ID, List.of(state),
                List.of(new GossipDelta.Request(OTHER, null), new GossipDelta.Request(ID, state.digest())));
        assertThat(GossipDelta.read(new WireReader(delta.encode()))).isEqualTo(delta);
        JoinReply reply = new JoinReply(ID, JoinReply.Outcome.WELCOME, List.of(state));
        assertThat(JoinReply.read(new WireReader(reply.encode()))).isEqualTo(reply);
        assertThat(JoinRequest.read(new WireReader(new JoinRequest(state).encode()))).isEqualTo(new JoinRequest(state));
    }
}
