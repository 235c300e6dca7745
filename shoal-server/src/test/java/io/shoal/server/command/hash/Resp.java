package io.shoal.server.command.hash;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare RESP connection for tests that must see the exact reply bytes (RESP3 map vs array, set
 * vs array), which client libraries hide. Replies are read whole by parsing their structure.
 */
public final class Resp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public Resp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends a command and returns its complete raw reply. */
  public String call(String... args) throws IOException {
    StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
    for (String arg : args) {
      request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
    }
    out.write(request.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    StringBuilder reply = new StringBuilder();
    readValue(reply);
    return reply.toString();
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      line.append((char) c);
    }
    return line.toString();
  }

  private void readValue(StringBuilder reply) throws IOException {
    String line = readLine();
    reply.append(line).append('\n');
    char type = line.charAt(0);
    long length = type == '_' ? 0 : line.length() > 1 && line.charAt(1) != '-' && "*%~>$=!".indexOf(type) >= 0
        ? Long.parseLong(line.substring(1, line.length() - 1)) : 0;
    switch (type) {
      case '$': case '=': case '!':
        byte[] body = in.readNBytes((int) length + 2);
        reply.append(new String(body, StandardCharsets.UTF_8).trim()).append('\n');
        break;
      case '*': case '~': case '>':
        for (long i = 0; i < length; i++) {
          readValue(reply);
        }
        break;
      case '%':
        for (long i = 0; i < 2 * length; i++) {
          readValue(reply);
        }
        break;
      default:
        break;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
