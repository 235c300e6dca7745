package io.shoal.cluster.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.StateFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BanListTest {

    private final NodeId id = StateFixtures.ids(1, 1).get(0);

    @Test
    void banExpires() {
        BanList bans = new BanList();
        bans.ban(id, BanList.ALL_INCARNATIONS, 60_000);
        assertThat(bans.isBanned(id, 5, 59_999)).isTrue();
        assertThat(bans.isBanned(id, 5, 60_000)).isFalse();
        bans.pruneExpired(60_000);
        assertThat(bans.size()).isZero();
    }

    @Test
    void aNewerIncarnationMayComeBackAfterRemoval() {
        BanList bans = new BanList();
        bans.ban(id, 3, 60_000);
        assertThat(bans.isBanned(id, 3, 0)).isTrue();
        assertThat(bans.isBanned(id, 4, 0)).isFalse();
    }

    @Test
    void listIsBounded() {
        BanList bans = new BanList();
        for (NodeId other : StateFixtures.ids(2, BanList.BANS_MAX + 10)) {
            bans.ban(other, 1, 1_000);
        }
        assertThat(bans.size()).isEqualTo(BanList.BANS_MAX);
    }

    @Test
    void identityKeepsTheIdAndAdvancesTheIncarnation(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("node.id");
        NodeIdentity first = NodeIdentity.loadAndAdvance(file, id);
        NodeIdentity second = NodeIdentity.loadAndAdvance(file, StateFixtures.ids(9, 1).get(0));
        assertThat(first).isEqualTo(new NodeIdentity(id, Incarnation.FIRST));
        assertThat(second.id()).isEqualTo(id);
        assertThat(second.incarnation()).isEqualTo(new Incarnation(2));
        assertThat(Files.readString(file)).startsWith(id.toHex() + " 2");
    }
}
