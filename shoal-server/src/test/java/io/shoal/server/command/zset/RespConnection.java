package io.shoal.server.command.zset;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal RESP client for tests that must see reply types exactly (RESP3 doubles, nested
 * pairs, null arrays versus null bulks), which Jedis and Lettuce smooth over. Each reply is
 * rendered as a compact string: {@code *2[$1:a,,1.5]} for an array of a bulk and a double.
 */
public final class RespConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RespConnection(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String call(String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return call(bytes);
  }

  public String call(byte[]... args) {
    try {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (byte[] arg : args) {
        request.write(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.write(arg);
        request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write(request.toByteArray());
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String line() throws IOException {
    StringBuilder text = new StringBuilder();
    int b;
    while ((b = in.read()) != '\r') {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      text.append((char) b);
    }
    in.read();
    return text.toString();
  }

  private String read() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '+':
        return "+" + line;
      case '-':
        return "-" + line;
      case ':':
        return ":" + line;
      case ',':
        return "," + line;
      case '#':
        return "#" + line;
      case '_':
        return "_";
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return "$-1";
        }
        byte[] data = in.readNBytes(length + 2);
        return "$" + new String(data, 0, length, StandardCharsets.ISO_8859_1);
      }
      case '*':
      case '%':
      case '~':
      case '>': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return "*-1";
        }
        int items = type == '%' ? length * 2 : length;
        StringBuilder text = new StringBuilder().append((char) type).append(length).append('[');
        for (int i = 0; i < items; i++) {
          if (i > 0) {
            text.append(',');
          }
          text.append(read());
        }
        return text.append(']').toString();
      }
      default:
        throw new IOException("unexpected RESP type " + (char) type + line);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
