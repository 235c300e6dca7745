package io.shoal.server.pubsub;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare RESP client for tests that must see the wire exactly: push frames versus arrays, the
 * order of replies and pushes, and connections the server closes.
 */
public final class RespConnection implements AutoCloseable {
  /** A RESP3 push frame ({@code >}). */
  public record Push(List<Object> items) {}

  /** An error reply. */
  public record Error(String message) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RespConnection(int port) {
    this(port, 0);
  }

  /** receiveBufferBytes > 0 shrinks the socket's receive buffer (slow-subscriber tests). */
  public RespConnection(int port, int receiveBufferBytes) {
    try {
      socket = new Socket();
      if (receiveBufferBytes > 0) {
        socket.setReceiveBufferSize(receiveBufferBytes);
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void send(String... args) {
    StringBuilder text = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      text.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
    }
    try {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Object call(String... args) {
    send(args);
    return read();
  }

  public Object read() {
    try {
      return parse();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True once the server closed the connection (reads end of stream within the timeout). */
  public boolean closedByServer() {
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
        in.skip(in.available());
      }
    } catch (IOException e) {
      return true;
    }
  }

  private Object parse() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new IOException("connection closed");
    }
    String line = line();
    switch (type) {
      case '+': return line;
      case '-': return new Error(line);
      case ':': return Long.parseLong(line);
      case '_': return null;
      case '#': return line.equals("t");
      case ',': return line;
      case '$': case '=': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length);
        line();
        return new String(bytes, StandardCharsets.UTF_8);
      }
      case '*': case '~': case '>': case '%': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        int items = type == '%' ? length * 2 : length;
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < items; i++) {
          list.add(parse());
        }
        return type == '>' ? new Push(list) : list;
      }
      default: throw new IOException("unexpected type " + (char) type);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\r') {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      bytes.write(b);
    }
    in.read();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a test socket
    }
  }
}
