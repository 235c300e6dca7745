package io.shoal.server.cluster.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.MalformedMessageException;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Round trips, pinned layouts and malformed payloads for every failover message. */
class FailoverMessagesTest {
  private static final NodeId A = NodeId.of(0x0102030405060708L, 0x090a0b0c0d0e0f10L, 0x11121314);
  private static final NodeId B = NodeId.of(-1, 7, 9);

  private static final List<Function<byte[], Object>> DECODERS = List.of(FailoverAuthRequest::decode,
      FailoverAuthAck::decode, ManualFailoverStart::decode, ManualFailoverOffset::decode, OffsetQuery::decode,
      OffsetReply::decode);

  @Test
  void authRequestRoundTrips() {
    BitSet slots = new BitSet();
    slots.set(0);
    slots.set(5460);
    slots.set(16383);
    FailoverAuthRequest request = new FailoverAuthRequest(A, B, 42, 1234567, 7, true, slots);
    byte[] wire = request.encode();
    assertThat(wire).hasSize(FailoverAuthRequest.WIRE_BYTES).hasSize(2114);
    FailoverAuthRequest back = FailoverAuthRequest.decode(wire);
    assertThat(back).isEqualTo(request);
    assertThat(back.slots().cardinality()).isEqualTo(3);
    assertThat(FailoverAuthRequest.decode(new FailoverAuthRequest(A, B, 1, 0, 0, false, new BitSet()).encode())
        .manual()).isFalse();
  }

  @Test
  void otherMessagesRoundTrip() {
    assertThat(FailoverAuthAck.decode(new FailoverAuthAck(A, B, 9).encode())).isEqualTo(new FailoverAuthAck(A, B, 9));
    assertThat(ManualFailoverStart.decode(new ManualFailoverStart(A, B).encode()))
        .isEqualTo(new ManualFailoverStart(A, B));
    assertThat(ManualFailoverOffset.decode(new ManualFailoverOffset(A, B, 77).encode()))
        .isEqualTo(new ManualFailoverOffset(A, B, 77));
    assertThat(OffsetQuery.decode(new OffsetQuery(A, B, 3).encode())).isEqualTo(new OffsetQuery(A, B, 3));
    assertThat(OffsetReply.decode(new OffsetReply(A, B, 3, -1).encode())).isEqualTo(new OffsetReply(A, B, 3, -1));
  }

  @Test
  void ackLayoutIsPinned() {
    String hex = HexFormat.of().formatHex(new FailoverAuthAck(A, NodeId.of(0, 0, 1), 0x2a).encode());
    assertThat(hex).isEqualTo("01" + "0102030405060708090a0b0c0d0e0f1011121314"
        + "0000000000000000000000000000000000000001" + "000000000000002a");
  }

  @Test
  void shortLongAndForeignPayloadsAreRejected() {
    byte[] ack = new FailoverAuthAck(A, B, 1).encode();
    assertThatThrownBy(() -> FailoverAuthAck.decode(java.util.Arrays.copyOf(ack, ack.length - 1)))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("length: 48 (expected: 49)");
    assertThatThrownBy(() -> FailoverAuthAck.decode(java.util.Arrays.copyOf(ack, ack.length + 1)))
        .isInstanceOf(MalformedMessageException.class);
    byte[] future = ack.clone();
    future[0] = 2;
    assertThatThrownBy(() -> FailoverAuthAck.decode(future)).isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("version: 2 (expected: 1)");
    assertThatThrownBy(() -> FailoverAuthAck.decode(null)).isInstanceOf(MalformedMessageException.class);
    assertThatThrownBy(() -> FailoverAuthRequest.decode(new byte[0])).isInstanceOf(MalformedMessageException.class);
  }

  @Property(tries = 300)
  void arbitraryBytesNeverCrashADecoder(@ForAll byte[] payload) {
    for (Function<byte[], Object> decoder : DECODERS) {
      try {
        decoder.apply(payload);
      } catch (MalformedMessageException expected) {
        // rejected, as it should be
      }
    }
  }

  @Test
  void failoverCountsAndDropsMalformedMessages() {
    FailoverSim sim = new FailoverSim(1, 1000);
    SimNode master = sim.master(0, 16384);
    sim.startAll();
    master.failover.onMessage(FailoverMessageTypes.AUTH_REQUEST, new byte[] {1, 2, 3});
    master.failover.onMessage(FailoverMessageTypes.AUTH_ACK, null);
    master.failover.onMessage(2999, new byte[0]);
    assertThat(master.failover.malformedMessages()).isEqualTo(3);
  }
}
