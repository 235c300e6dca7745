package io.shoal.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.NodeId;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RoleClaimTest {
  private static final NodeId MASTER = NodeId.of(0x0102030405060708L, 0x090a0b0c0d0e0f10L, 0x11121314);

  @Test
  void aReplicaEncodesToTheGoldenBytes() {
    byte[] bytes = new RoleClaim(MASTER, 0x2122232425262728L).encode();
    assertThat(HexFormat.of().formatHex(bytes))
        .isEqualTo("01" + "0102030405060708090a0b0c0d0e0f1011121314" + "2122232425262728");
    assertThat(bytes).hasSize(RoleClaim.WIRE_BYTES).hasSize(29);
    assertThat(RoleClaim.decode(bytes)).isEqualTo(new RoleClaim(MASTER, 0x2122232425262728L));
  }

  @Test
  void aMasterIsAllZeroIdAndDecodesToNoMaster() {
    byte[] bytes = new RoleClaim(null, 5).encode();
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("01" + "00".repeat(20) + "0000000000000005");
    RoleClaim decoded = RoleClaim.decode(bytes);
    assertThat(decoded.masterId()).isNull();
    assertThat(decoded.isReplica()).isFalse();
    assertThat(decoded.replOffset()).isEqualTo(5);
  }

  @Test
  void valuesOfAnotherVersionSizeOrANegativeOffsetAreIgnored() {
    byte[] good = new RoleClaim(MASTER, 1).encode();
    byte[] otherVersion = good.clone();
    otherVersion[0] = 2;
    byte[] negative = new RoleClaim(MASTER, 1).encode();
    negative[21] = (byte) 0x80;
    assertThat(RoleClaim.decode(otherVersion)).isNull();
    assertThat(RoleClaim.decode(java.util.Arrays.copyOf(good, 28))).isNull();
    assertThat(RoleClaim.decode(null)).isNull();
    assertThat(RoleClaim.decode(negative)).isNull();
  }
}
