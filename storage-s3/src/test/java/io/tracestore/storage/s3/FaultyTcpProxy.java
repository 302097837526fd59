package io.tracestore.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the test S3 server. Each new connection is forwarded, or,
 * while faults are pending, reset at once ({@link #resetNext}) or read from and never answered
 * ({@link #stallNext}). {@link #gate} holds forwarding until a number of connections are open (so
 * that many concurrent requests use that many connections), and {@link #closeForwarded} closes
 * every forwarded connection, as a server or NAT that drops idle keep-alive connections does.
 */
final class FaultyTcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final AtomicInteger resetsLeft = new AtomicInteger();
  private final AtomicInteger stallsLeft = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Socket> forwarded = new CopyOnWriteArrayList<>();
  private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);
  final AtomicInteger connections = new AtomicInteger();
  private volatile boolean closed;

  FaultyTcpProxy(URI target) throws IOException {
    this.upstream = new InetSocketAddress(target.getHost(), target.getPort());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "faulty-tcp-proxy");
    t.setDaemon(true);
    t.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  void resetNext(int n) {
    resetsLeft.set(n);
  }

  void stallNext(int n) {
    stallsLeft.set(n);
  }

  /** The next {@code n} connections forward nothing until all {@code n} are open. */
  void gate(int n) {
    gate = new java.util.concurrent.CountDownLatch(n);
  }

  /**
   * Closes (with a FIN, not a reset) the client side of every connection forwarded so far, as a
   * server closing idle keep-alive connections does; the client learns of it only when it uses one.
   */
  void closeForwarded() {
    for (Socket s : forwarded) {
      closeQuietly(s);
    }
    forwarded.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        sockets.add(client);
        if (resetsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          client.setSoLinger(true, 0);
          client.close();
        } else if (stallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          start(() -> drain(client));
        } else {
          Socket up = new Socket();
          up.connect(upstream, 2000);
          sockets.add(up);
          forwarded.add(client);
          java.util.concurrent.CountDownLatch g = gate;
          g.countDown();
          start(() -> {
            try {
              g.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            pipe(client, up);
          });
          start(() -> pipe(up, client));
        }
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "faulty-tcp-proxy-conn");
    t.setDaemon(true);
    t.start();
  }

  private static void drain(Socket s) {
    byte[] buf = new byte[8192];
    try (InputStream in = s.getInputStream()) {
      while (in.read(buf) >= 0) {
        // read the request, answer nothing
      }
    } catch (IOException ignored) {
      // the client gave up
    }
  }

  private static void pipe(Socket from, Socket to) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // either side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}
