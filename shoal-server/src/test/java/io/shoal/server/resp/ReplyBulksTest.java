package io.shoal.server.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The staged bulk writer gives byte for byte what bulk-by-bulk writing gives. */
class ReplyBulksTest {
  @Test
  void bulksMatchBulkByBulkOnHeapAndDirectBuffers() {
    Random random = new Random(11);
    // Lengths around the cached-header edge (512) and around digit-count changes.
    int[] lengths = {0, 1, 9, 10, 99, 100, 511, 512, 513, 999, 1000, 9999, 10000, 70000};
    byte[][] values = new byte[lengths.length + 40][];
    for (int i = 0; i < values.length; i++) {
      values[i] = new byte[i < lengths.length ? lengths[i] : random.nextInt(40)];
      random.nextBytes(values[i]);
    }
    for (int from = 0; from < values.length; from += 7) {
      int count = Math.min(values.length - from, 1 + random.nextInt(20));
      ByteBuf expected = Unpooled.buffer(1);
      Reply one = new Reply(expected);
      for (int i = from; i < from + count; i++) {
        one.bulk(values[i]);
      }
      for (ByteBuf target : new ByteBuf[] {Unpooled.buffer(1), PooledByteBufAllocator.DEFAULT.directBuffer(3)}) {
        target.writeByte('x'); // a reply already in the buffer stays in front
        Reply bulk = new Reply(target);
        bulk.bulks(values, from, count);
        assertThat(bulk.repliesWritten()).isEqualTo(one.repliesWritten());
        assertThat(target.readByte()).isEqualTo((byte) 'x');
        assertThat(ByteBufUtil.getBytes(target)).as("from %d count %d", from, count)
            .isEqualTo(ByteBufUtil.getBytes(expected));
        target.release();
      }
    }
  }

  /** RESP2 scores: the in-place digits of an integral score are formatDouble's text, byte for byte. */
  @Test
  void doublesAreWrittenAsTheirFormattedText() {
    Random random = new Random(5);
    double[] fixed = {1, -1, 9, 10, -10, 99, 100, 999_999, 1e16, -1e16, 99_999_999_999_999_984.0, 1e17, -1e17,
        1e18, 0.0, -0.0, 0.5, -2.5, 1e-7, 3.14159, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Math.nextDown(1e17), (double) (1L << 53), -(double) (1L << 53) - 2};
    double[] values = new double[fixed.length + 200];
    System.arraycopy(fixed, 0, values, 0, fixed.length);
    for (int i = fixed.length; i < values.length; i++) {
      values[i] = i % 2 == 0 ? random.nextInt(2_000_000) - 1_000_000 : (random.nextLong() >> random.nextInt(64));
    }
    for (ByteBuf target : new ByteBuf[] {Unpooled.buffer(1), PooledByteBufAllocator.DEFAULT.directBuffer(2)}) {
      ByteBuf expected = Unpooled.buffer(1);
      Reply reply = new Reply(target);
      Reply text = new Reply(expected);
      for (double value : values) {
        reply.doubleValue(value);
        text.bulk(NumberFormat.formatDouble(value));
      }
      assertThat(reply.repliesWritten()).isEqualTo(values.length);
      assertThat(new String(ByteBufUtil.getBytes(target), java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo(new String(ByteBufUtil.getBytes(expected), java.nio.charset.StandardCharsets.US_ASCII));
      target.release();
    }
  }

  @Test
  void runsLongerThanTheStagingArrayMatchBulkByBulk() {
    Random random = new Random(12);
    // Thousands of short elements (the staging array fills and is copied out several times), with
    // elements near and past its 16 KB size among them.
    byte[][] values = new byte[6000][];
    for (int i = 0; i < values.length; i++) {
      int length = i % 997 == 0 ? 16 * 1024 - 20 + random.nextInt(40) : random.nextInt(i % 3 == 0 ? 12 : 120);
      values[i] = new byte[length];
      random.nextBytes(values[i]);
    }
    ByteBuf expected = Unpooled.buffer(1);
    Reply one = new Reply(expected);
    for (byte[] value : values) {
      one.bulk(value);
    }
    for (ByteBuf target : new ByteBuf[] {Unpooled.buffer(1), PooledByteBufAllocator.DEFAULT.directBuffer(3)}) {
      Reply bulk = new Reply(target);
      bulk.bulks(values, 0, 2500);
      bulk.bulks(values, 2500, values.length - 2500);
      assertThat(bulk.repliesWritten()).isEqualTo(values.length);
      assertThat(ByteBufUtil.getBytes(target)).isEqualTo(ByteBufUtil.getBytes(expected));
      target.release();
    }
  }

  @Test
  void integersAreWrittenAsLongToStringWrites() {
    long[] values = {0, 9, 10, 99, 1023, 1024, 1025, 123456789, -1, -10, -1024, Long.MAX_VALUE,
        Long.MIN_VALUE, Long.MIN_VALUE + 1, 1_000_000_000_000L};
    for (ByteBuf target : new ByteBuf[] {Unpooled.buffer(1), PooledByteBufAllocator.DEFAULT.directBuffer(2)}) {
      Reply reply = new Reply(target);
      StringBuilder expected = new StringBuilder();
      for (long value : values) {
        reply.integer(value);
        expected.append(':').append(value).append("\r\n");
      }
      assertThat(new String(ByteBufUtil.getBytes(target), java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo(expected.toString());
      target.release();
    }
  }

  @Test
  void bulkWritesHeaderValueAndCrlfForEveryLength() {
    Random random = new Random(13);
    for (ByteBuf target : new ByteBuf[] {Unpooled.buffer(1), PooledByteBufAllocator.DEFAULT.directBuffer(2)}) {
      Reply reply = new Reply(target);
      java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
      for (int length = 0; length < 700; length += length < 70 ? 1 : 37) {
        byte[] value = new byte[length + 5];
        random.nextBytes(value);
        reply.bulk(value, 2, length); // a slice, as from the middle of an argument
        expected.writeBytes(("$" + length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        expected.write(value, 2, length);
        expected.writeBytes(new byte[] {'\r', '\n'});
      }
      assertThat(ByteBufUtil.getBytes(target)).isEqualTo(expected.toByteArray());
      target.release();
    }
  }

  @Test
  void emptyRunWritesNothing() {
    ByteBuf target = Unpooled.buffer();
    new Reply(target).bulks(new byte[][] {"a".getBytes()}, 1, 0);
    assertThat(target.readableBytes()).isZero();
    assertThat(Arrays.toString(ByteBufUtil.getBytes(target))).isEqualTo("[]");
  }
}
