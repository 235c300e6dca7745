package io.shoal.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A small blocking RESP2 client for the CLI's cluster jobs: strings, integers, arrays, errors. */
final class RespClient implements AutoCloseable {
  /** An error reply. */
  static final class ErrorReply extends RuntimeException {
    ErrorReply(String message) {
      super(message);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  final String host;
  final int port;

  RespClient(String host, int port) throws IOException {
    this.host = host;
    this.port = port;
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout(10_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  static RespClient connect(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    return new RespClient(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  String endpoint() {
    return host + ":" + port;
  }

  Object call(String... args) throws IOException {
    StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
    }
    out.write(request.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    Object reply = read();
    if (reply instanceof ErrorReply error) {
      throw error;
    }
    return reply;
  }

  String text(String... args) throws IOException {
    return String.valueOf(call(args));
  }

  private Object read() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        return new ErrorReply(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          items.add(read());
        }
        return items;
      }
      default:
        throw new IOException("unexpected reply type " + (char) type + " from " + endpoint());
    }
  }

  private String line() throws IOException {
    StringBuilder text = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed by " + endpoint());
      }
      text.append((char) c);
    }
    in.read();
    return text.toString();
  }

  /** A field of CLUSTER INFO. */
  String clusterInfo(String field) throws IOException {
    for (String line : text("CLUSTER", "INFO").split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return "";
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
