package dev.quire.server.wire;

import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Mounts a WebSocket endpoint in front of a Javalin app and adapts it to {@link WireListener}: the
 * only place that knows about Jetty. Frames bigger than {@code maxFrameBytes} are refused by Jetty
 * with close code 1009 before they are read into memory or parsed.
 *
 * <p>The endpoint is Jetty's own core WebSocket upgrade handler, ahead of the servlet layer, and
 * not Javalin's WebSocket routes: a Javalin WebSocket context keeps its upgrade request for the
 * life of the connection, and with it the whole servlet request, HTTP channel, parser and headers
 * (about 9 KB of the 14.6 KB of heap an idle connection held; docs/BENCHMARKS.md, "Idle
 * connections"). Jetty's core handler keeps only a copy of what the upgrade carried, and the
 * endpoint below is the one object of ours per connection besides {@link JettyConnection}.
 */
public final class JettyWire {
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong queuedChars;

  public JettyWire() {
    this(new AtomicLong());
  }

  /** @param queuedChars kept equal to the chars queued over all connections (a metric) */
  public JettyWire(AtomicLong queuedChars) {
    this.queuedChars = queuedChars;
  }

  /**
   * @param path the endpoint, e.g. {@code /ws}
   * @param gate decides before each upgrade whether it goes ahead, and who connects
   * @param maxFrameBytes largest text frame accepted
   * @param maxQueuedChars outgoing queue bound per connection
   * @param idleTimeout a connection silent this long is closed (clients ping)
   */
  public void mount(JavalinConfig config, String path, WireListener listener, UpgradeGate gate, int maxFrameBytes,
      long maxQueuedChars, Duration idleTimeout) {
    // Javalin attaches its servlet context inside a handler already set on the server, so the
    // upgrade handler sees /ws first and the servlet layer never does.
    config.jetty.modifyServer(server -> {
      // The container keeps itself in its context's attributes under the name Javalin's servlet
      // container uses too: a context of its own keeps the two apart.
      ContextHandler own = new ContextHandler(path);
      own.setServer(server);
      server.setHandler(WebSocketUpgradeHandler.from(server, own, container -> {
        container.setMaxTextMessageSize(maxFrameBytes);
        container.setMaxBinaryMessageSize(1024);
        container.setIdleTimeout(idleTimeout);
        container.addMapping(path, (request, response, callback) -> {
          // No permessage-deflate, as the reference ShareDB server (ws) offers none: ops are tens
          // of bytes, so deflating each frame only costs CPU on both ends (the npm ws client
          // inflates every frame as an async zlib job, 10 at once per process). With it, server
          // CPU per op and ack latency were more than doubled in the docs/BENCHMARKS.md load.
          response.setExtensions(List.of());
          Object principal;
          try {
            principal = gate.admit(upgrade(request));
          } catch (UpgradeGate.Refused refused) {
            org.eclipse.jetty.server.Response.writeError(request, response, callback, refused.status,
                refused.getMessage());
            return null;
          }
          return new Endpoint(this, listener, query(request), principal, maxQueuedChars);
        });
      }));
    });
  }

  /** What the gate reads of an upgrade request. */
  private static UpgradeGate.Upgrade upgrade(Request request) {
    Map<String, String> headers = new java.util.HashMap<>();
    for (org.eclipse.jetty.http.HttpField f : request.getHeaders()) {
      headers.putIfAbsent(f.getLowerCaseName(), f.getValue());
    }
    Map<String, String> cookies = new java.util.HashMap<>();
    for (org.eclipse.jetty.http.HttpCookie c : Request.getCookies(request)) {
      cookies.putIfAbsent(c.getName(), c.getValue());
    }
    return new UpgradeGate.Upgrade(headers, cookies, Request.getRemoteAddr(request));
  }

  /** The upgrade URL's query parameters (read now: the request is not kept). */
  private static Map<String, List<String>> query(Request request) {
    Fields fields = Request.extractQueryParameters(request);
    if (fields.getSize() == 0) {
      return Map.of();
    }
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (Fields.Field f : fields) {
      query.put(f.getName(), new ArrayList<>(f.getValues()));
    }
    return query;
  }

  /**
   * One connection's Jetty listener; Jetty calls it for one connection at a time, in order. Public
   * because Jetty binds to its methods through method handles.
   */
  public static final class Endpoint implements Session.Listener.AutoDemanding {
    private final JettyWire wire;
    private final WireListener listener;
    private final long maxQueuedChars;
    private Map<String, List<String>> query; // handed over at open, then dropped
    private Object principal; // likewise
    private JettyConnection connection;

    Endpoint(JettyWire wire, WireListener listener, Map<String, List<String>> query, Object principal,
        long maxQueuedChars) {
      this.wire = wire;
      this.listener = listener;
      this.query = query;
      this.principal = principal;
      this.maxQueuedChars = maxQueuedChars;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      connection = new JettyConnection(Long.toString(wire.ids.incrementAndGet(), 36), session, maxQueuedChars,
          wire.queuedChars);
      Map<String, List<String>> q = query;
      Object p = principal;
      query = null;
      principal = null;
      listener.onOpen(connection, q, p);
    }

    @Override
    public void onWebSocketText(String message) {
      listener.onText(connection, message);
    }

    @Override
    public void onWebSocketBinary(java.nio.ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
      callback.succeed();
      connection.close(1003, "only text frames are accepted");
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      JettyConnection c = connection;
      if (c != null) {
        c.markClosed();
        listener.onClose(c, statusCode, reason);
      }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      JettyConnection c = connection;
      if (c != null) {
        c.close(1011, "connection error");
      }
    }
  }
}
