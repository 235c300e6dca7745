package io.shoal.server.command.zset;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * The hook the blocking pops build on: a stand-in command calls {@link ZPopCommands#popAndReply}
 * the way BZPOPMIN and BZMPOP will when a key they wait on is written, and checks its shapes and
 * that it reports an empty key without replying.
 */
class ZPopCommandsTest {
  @Test
  void popAndReplyServesBlockingShapesAndReportsEmptyKeys() {
    try (TestServer server = TestServer.start()) {
      server.server().register(CommandSpec.builder("testpop", 3).flags(CommandFlag.WRITE).keys(1, 1, 1)
          .handler(c -> {
            ZPopCommands.Shape shape = ZPopCommands.Shape.valueOf(c.argString(2));
            if (!ZPopCommands.popAndReply(c, c.arg(1), false, 2, shape)) {
              c.reply().simple("EMPTY");
            }
          }).build());
      server.server().register(CommandSpec.builder("testmpop", -4).flags(CommandFlag.WRITE)
          .keys(ZPopCommands.multiPopKeys(1))
          .handler(c -> {
            ZPopCommands.MultiPop request = ZPopCommands.MultiPop.parse(c, 1);
            c.reply().simple(request.keyCount() + " " + request.max() + " " + request.count());
          }).build());
      try (RespConnection connection = new RespConnection(server.port())) {
        connection.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
        assertThat(connection.call("TESTPOP", "z", "KEY_MEMBER_SCORE")).isEqualTo("*3[$z,$a,$1]");
        assertThat(connection.call("TESTPOP", "z", "WITH_KEY")).isEqualTo("*2[$z,*2[*2[$b,$2],*2[$c,$3]]]");
        assertThat(connection.call("TESTPOP", "z", "SINGLE")).isEqualTo("*2[$d,$4]");
        assertThat(connection.call("TESTPOP", "z", "COUNTED")).isEqualTo("+EMPTY");
        assertThat(connection.call("TESTMPOP", "2", "a", "b", "MAX", "COUNT", "7")).isEqualTo("+2 true 7");
        assertThat(connection.call("TESTMPOP", "1", "a", "MIN")).isEqualTo("+1 false 1");
        assertThat(connection.call("TESTMPOP", "3", "a", "MIN")).isEqualTo("-ERR syntax error");
      }
    }
  }
}
