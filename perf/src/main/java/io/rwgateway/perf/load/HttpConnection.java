package io.rwgateway.perf.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal blocking HTTP/1.1 client over one keep-alive connection, used by one sender thread.
 *
 * <p>NOTE: blocking I/O on a thread per connection is the cheapest client there is for a handful of
 * connections: one gathering write per request (head and body), one or two reads per response, no
 * event loop hand-offs, no per-request objects beyond the head buffer. java.net.http spends more
 * CPU per request (its selector thread, publishers, header maps) on a machine where the receiver
 * needs every cycle. It reads status, headers, and a body framed by Content-Length or chunked
 * encoding, and reconnects after {@code Connection: close} or an I/O error.
 */
final class HttpConnection implements AutoCloseable {
  private final InetSocketAddress address;
  private final String headPrefix;
  private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
  private final ByteBuffer[] out = new ByteBuffer[2];
  private final StringBuilder line = new StringBuilder();
  private SocketChannel channel;
  private String lastBody = "";

  /** GET keeps the whole body; POST keeps only error bodies (cut at 4 KiB). */
  private boolean wantBody;

  HttpConnection(URI url, String fixedHeaders) {
    int port = url.getPort() > 0 ? url.getPort() : 80;
    this.address = new InetSocketAddress(url.getHost(), port);
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    this.headPrefix =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + url.getHost()
            + ":"
            + port
            + "\r\n"
            + "User-Agent: rwgateway-loadgen\r\n"
            + fixedHeaders;
  }

  /** Sends a POST and returns the status code; the response body is read and kept for errors. */
  int post(byte[] body, String extraHeaders) throws IOException {
    if (channel == null) {
      channel = SocketChannel.open(address);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      in.clear().flip();
    }
    String head = headPrefix + extraHeaders + "Content-Length: " + body.length + "\r\n\r\n";
    out[0] = ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
    out[1] = ByteBuffer.wrap(body);
    wantBody = false;
    try {
      while (out[1].hasRemaining()) {
        channel.write(out);
      }
      return readResponse();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** GET for the verifier; returns the body, or throws on a non-2xx status. */
  String get(String pathAndQuery, String extraHeaders) throws IOException {
    if (channel == null) {
      channel = SocketChannel.open(address);
      in.clear().flip();
    }
    String head =
        "GET "
            + pathAndQuery
            + " HTTP/1.1\r\nHost: "
            + address.getHostString()
            + ":"
            + address.getPort()
            + "\r\n"
            + extraHeaders
            + "\r\n";
    ByteBuffer b = ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
    wantBody = true;
    try {
      while (b.hasRemaining()) {
        channel.write(b);
      }
      int code = readResponse();
      if (code / 100 != 2) {
        throw new IOException("GET " + pathAndQuery + ": HTTP " + code + " " + lastBody);
      }
      return lastBody;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The body of the last response (empty after a 2xx POST). */
  String lastBody() {
    return lastBody;
  }

  private int readResponse() throws IOException {
    String status = readLine();
    if (!status.startsWith("HTTP/1.")) {
      throw new IOException("bad status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = status.startsWith("HTTP/1.0");
    for (String h = readLine(); !h.isEmpty(); h = readLine()) {
      int colon = h.indexOf(':');
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    StringBuilder body = new StringBuilder();
    boolean keep = code / 100 != 2 || wantBody;
    if (chunked) {
      for (long n = Long.parseLong(readLine().split(";")[0].trim(), 16);
          n > 0;
          n = Long.parseLong(readLine().split(";")[0].trim(), 16)) {
        readBody(n, body, keep);
        readLine();
      }
      while (!readLine().isEmpty()) {
        // trailers
      }
    } else if (length >= 0) {
      readBody(length, body, keep);
    } else if (code != 204 && code != 304 && code / 100 != 1) {
      throw new IOException("response without length");
    }
    lastBody = body.toString();
    if (close) {
      close();
    }
    return code;
  }

  private void readBody(long n, StringBuilder body, boolean keep) throws IOException {
    while (n > 0) {
      if (!in.hasRemaining()) {
        fill();
      }
      int take = (int) Math.min(n, in.remaining());
      if (keep && body.length() < (wantBody ? 256 << 20 : 4096)) {
        byte[] chunk = new byte[take];
        in.get(chunk);
        body.append(new String(chunk, StandardCharsets.UTF_8));
      } else {
        in.position(in.position() + take);
      }
      n -= take;
    }
  }

  private String readLine() throws IOException {
    line.setLength(0);
    while (true) {
      if (!in.hasRemaining()) {
        fill();
      }
      char c = (char) (in.get() & 0xff);
      if (c == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append(c);
    }
  }

  private void fill() throws IOException {
    in.clear();
    int n = channel.read(in);
    in.flip();
    if (n < 0) {
      throw new IOException("connection closed by " + address);
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      channel = null;
    }
  }
}
