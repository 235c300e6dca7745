package io.shoal.server.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The request parser under random and damaged input: every input, cut into any chunks, yields
 * commands, a request for more input, or a ProtocolException; never another exception and never
 * a call that neither consumes input nor asks for more (which would hang a connection).
 */
class RequestParserPropertiesTest {
  private static final long MAX_BULK = 1024 * 1024;

  /** What a connection does with the parser: feed chunks, take commands until it needs more. */
  private static List<byte[][]> feed(byte[] input, int chunk) {
    return feed(input, chunk, Unpooled.buffer());
  }

  private static List<byte[][]> feed(byte[] input, int chunk, ByteBuf buffer) {
    RequestParser parser = new RequestParser(MAX_BULK);
    List<byte[][]> commands = new ArrayList<>();
    int offset = 0;
    try {
      while (offset < input.length) {
        int length = Math.min(chunk, input.length - offset);
        buffer.writeBytes(input, offset, length);
        offset += length;
        int calls = 0;
        while (true) {
          int before = buffer.readerIndex();
          byte[][] command = parser.next(buffer);
          if (command == null) {
            break;
          }
          assertThat(buffer.readerIndex()).as("a command that consumed nothing would loop forever").isGreaterThan(before);
          commands.add(command);
          assertThat(++calls).isLessThanOrEqualTo(input.length + 1);
        }
      }
    } finally {
      buffer.release();
    }
    return commands;
  }

  private static byte[] encode(List<byte[]> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] arg : args) {
      out.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(arg);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  @Property(tries = 500)
  void wellFormedCommandsRoundTripWhateverTheChunking(
      @ForAll @Size(min = 1, max = 8) List<@Size(max = 40) byte[]> args, @ForAll @IntRange(min = 1, max = 64) int chunk) {
    byte[] once = encode(args);
    byte[] twice = new byte[once.length * 2];
    System.arraycopy(once, 0, twice, 0, once.length);
    System.arraycopy(once, 0, twice, once.length, once.length);
    List<byte[][]> commands = feed(twice, chunk);
    assertThat(commands).hasSize(2);
    for (byte[][] command : commands) {
      assertThat(command.length).isEqualTo(args.size());
      for (int i = 0; i < args.size(); i++) {
        assertThat(command[i]).isEqualTo(args.get(i));
      }
    }
  }

  /**
   * The parser shares a name with the previous request when the bytes match: a pipeline mixing
   * names of equal length (GET, SET, get) must still see each name as sent.
   */
  @Property(tries = 300)
  void successiveCommandNamesComeOutAsSent(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 5) Integer> names,
      @ForAll @IntRange(min = 1, max = 64) int chunk) {
    String[] choices = {"GET", "SET", "get", "INCR", "LPOP", "SET"};
    ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
    for (int i = 0; i < names.size(); i++) {
      pipeline.writeBytes(encode(List.of(choices[names.get(i)].getBytes(StandardCharsets.US_ASCII),
          ("key" + i).getBytes(StandardCharsets.US_ASCII))));
    }
    List<byte[][]> commands = feed(pipeline.toByteArray(), chunk);
    assertThat(commands).hasSize(names.size());
    for (int i = 0; i < names.size(); i++) {
      assertThat(new String(commands.get(i)[0], StandardCharsets.US_ASCII)).isEqualTo(choices[names.get(i)]);
      assertThat(new String(commands.get(i)[1], StandardCharsets.US_ASCII)).isEqualTo("key" + i);
    }
  }

  @Property(tries = 1000)
  void randomBytesGiveCommandsMoreInputOrAProtocolError(
      @ForAll @Size(max = 300) byte[] input, @ForAll @IntRange(min = 1, max = 50) int chunk) {
    assertOnlyCleanOutcomes(input, chunk);
  }

  @Property(tries = 1000)
  void damagedCommandsGiveCommandsMoreInputOrAProtocolError(
      @ForAll("damaged") byte[] input, @ForAll @IntRange(min = 1, max = 50) int chunk) {
    assertOnlyCleanOutcomes(input, chunk);
  }

  /**
   * The parser reads heap buffers through their backing array and other buffers through the
   * ByteBuf API: both must see the same commands and the same errors, also when the array is
   * shared and the buffer starts at an offset into it.
   */
  @Property(tries = 500)
  void arrayAndDirectBuffersParseAlike(@ForAll("damaged") byte[] input, @ForAll @IntRange(min = 1, max = 50) int chunk) {
    String heap = outcome(input, chunk, Unpooled.wrappedBuffer(new byte[8192], 7, 8000).clear());
    String direct = outcome(input, chunk, Unpooled.directBuffer(1024));
    assertThat(heap).isEqualTo(direct);
  }

  private static String outcome(byte[] input, int chunk, ByteBuf buffer) {
    try {
      StringBuilder text = new StringBuilder();
      for (byte[][] command : feed(input, chunk, buffer)) {
        text.append(java.util.Arrays.deepToString(command)).append('\n');
      }
      return text.toString();
    } catch (ProtocolException e) {
      return e.getMessage();
    }
  }

  private static void assertOnlyCleanOutcomes(byte[] input, int chunk) {
    try {
      feed(input, chunk);
    } catch (ProtocolException e) {
      assertThat(e.getMessage()).startsWith("ERR Protocol error: ");
    }
  }

  /** Valid requests with a byte flipped, a byte inserted, a range deleted, or cut short. */
  @Provide
  Arbitrary<byte[]> damaged() {
    Arbitrary<byte[]> valid = Arbitraries.bytes().array(byte[].class).ofMaxSize(20).list().ofMinSize(1).ofMaxSize(5)
        .map(RequestParserPropertiesTest::encode);
    Arbitrary<Byte> noise = Arbitraries.of((byte) '*', (byte) '$', (byte) '\r', (byte) '\n', (byte) '-', (byte) '9',
        (byte) '0', (byte) ' ', (byte) '"', (byte) '\'', (byte) 'x', (byte) 0, (byte) 0xff);
    return Combinators.combine(valid, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1000),
        Arbitraries.integers().between(0, 1000), noise).as((bytes, kind, a, b, value) -> {
          if (bytes.length == 0) {
            return bytes;
          }
          int at = a % bytes.length;
          switch (kind) {
            case 0: {
              byte[] copy = bytes.clone();
              copy[at] = value;
              return copy;
            }
            case 1: {
              byte[] copy = new byte[bytes.length + 1];
              System.arraycopy(bytes, 0, copy, 0, at);
              copy[at] = value;
              System.arraycopy(bytes, at, copy, at + 1, bytes.length - at);
              return copy;
            }
            case 2: {
              int end = Math.min(bytes.length, at + 1 + b % 8);
              byte[] copy = new byte[bytes.length - (end - at)];
              System.arraycopy(bytes, 0, copy, 0, at);
              System.arraycopy(bytes, end, copy, at, bytes.length - end);
              return copy;
            }
            default:
              return java.util.Arrays.copyOf(bytes, at);
          }
        });
  }
}
