package io.shoal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code shoal server} reads a plain command line without picocli (start-up time): every line it
 * accepts must give the options picocli would, and every line picocli treats specially (help,
 * version, errors) must be left to picocli.
 */
class ServerCommandTest {
  @Test
  void plainLinesGiveWhatPicocliGives() {
    List<String[]> lines = List.of(
        new String[] {},
        new String[] {"--port", "7380", "--dir", "/tmp/shoal data"},
        new String[] {"--port=7380", "--bind=0.0.0.0", "--dir=rel/dir"},
        new String[] {"--cluster", "--port", "30001", "--seeds", "127.0.0.1:30002,127.0.0.1:30003@40003",
            "--proxy-port", "-1"},
        new String[] {"--seeds", "a:1", "--seeds=b:2,c:3", "--cluster"},
        new String[] {"--set", "save=", "--set=appendonly=yes", "--set", "maxmemory 1mb", "--config", "redis.conf"},
        new String[] {"--proxy-port", "31001", "--set", "-x=1"});
    for (String[] line : lines) {
      ServerCommand plain = ServerCommand.parsePlain(line);
      ServerCommand picocli = new ServerCommand();
      new CommandLine(picocli).parseArgs(line);
      assertThat(plain).as(String.join(" ", line)).isNotNull();
      assertThat(plain.port).isEqualTo(picocli.port);
      assertThat(plain.bind).isEqualTo(picocli.bind);
      assertThat(plain.dir).isEqualTo(picocli.dir);
      assertThat(plain.config).isEqualTo(picocli.config);
      assertThat(plain.cluster).isEqualTo(picocli.cluster);
      assertThat(plain.seeds).isEqualTo(picocli.seeds);
      assertThat(plain.proxyPort).isEqualTo(picocli.proxyPort);
      assertThat(plain.overrides).isEqualTo(picocli.overrides);
    }
  }

  @Test
  void helpVersionAndErrorsAreLeftToPicocli() {
    List<String[]> lines = List.of(
        new String[] {"--help"},
        new String[] {"-h"},
        new String[] {"--version"},
        new String[] {"--port", "7380", "-V"},
        new String[] {"--port"},
        new String[] {"--port", "seven"},
        new String[] {"--port", "0x10"},
        new String[] {"--port", "1", "--port", "2"},
        new String[] {"--dir", "--port", "1"},
        new String[] {"--cluster=false"},
        new String[] {"--seeds", "a:1,,b:2"},
        new String[] {"--unknown", "1"},
        new String[] {"positional"});
    for (String[] line : lines) {
      assertThat(ServerCommand.parsePlain(line)).as(String.join(" ", line)).isNull();
    }
    // The errors among them are errors for picocli too, reported with its own message.
    assertThatThrownBy(() -> new CommandLine(new ServerCommand()).parseArgs("--port", "1", "--port", "2"))
        .isInstanceOf(CommandLine.ParameterException.class);
    assertThatThrownBy(() -> new CommandLine(new ServerCommand()).parseArgs("--port", "seven"))
        .isInstanceOf(CommandLine.ParameterException.class);
  }
}
