package io.shoal.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.cluster.random.SeededRandom;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeIdTest {

    @Test
    void showsFortyHexCharactersAndParsesBack() {
        NodeId id = NodeId.random(new SeededRandom(7));
        assertThat(id.toHex()).hasSize(40).matches("[0-9a-f]{40}");
        assertThat(NodeId.parse(id.toHex())).isEqualTo(id);
    }

    @Test
    void orderIsTheOrderOfTheHexStrings() {
        SeededRandom random = new SeededRandom(3);
        List<NodeId> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(NodeId.random(random));
        }
        List<NodeId> byId = new ArrayList<>(ids);
        byId.sort(null);
        List<NodeId> byHex = new ArrayList<>(ids);
        byHex.sort((a, b) -> a.toHex().compareTo(b.toHex()));
        assertThat(byId).isEqualTo(byHex);
    }

    @Test
    void writesTwentyBytes() {
        NodeId id = NodeId.parse("0123456789abcdef0123456789abcdef01234567");
        WireWriter writer = new WireWriter();
        id.write(writer);
        assertThat(writer.length()).isEqualTo(NodeId.WIRE_BYTES);
        assertThat(NodeId.read(new WireReader(writer.toByteArray()))).isEqualTo(id);
    }

    @Test
    void rejectsMalformedText() {
        assertThatThrownBy(() -> NodeId.parse("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeId.parse("z".repeat(40))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addressParsesClusterNodesForm() {
        assertThat(NodeAddress.parse("127.0.0.1:6379")).isEqualTo(new NodeAddress("127.0.0.1", 6379, 16379));
        assertThat(NodeAddress.parse("127.0.0.1:6379@16400")).isEqualTo(new NodeAddress("127.0.0.1", 6379, 16400));
    }
}
