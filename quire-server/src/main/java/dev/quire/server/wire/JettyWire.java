package dev.quire.server.wire;

import io.javalin.config.JavalinConfig;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mounts a WebSocket endpoint on a Javalin app and adapts it to {@link WireListener}: the only
 * place that knows about Jetty. Frames bigger than {@code maxFrameBytes} are refused by Jetty with
 * close code 1009 before they are read into memory or parsed.
 */
public final class JettyWire {
  private static final String CONNECTION = "quire.connection";
  /** The request attribute under which checks before the upgrade leave who is connecting. */
  public static final String PRINCIPAL = "quire.principal";

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
   * @param maxFrameBytes largest text frame accepted
   * @param maxQueuedChars outgoing queue bound per connection
   * @param idleTimeout a connection silent this long is closed (clients ping)
   */
  public void mount(JavalinConfig config, String path, WireListener listener, int maxFrameBytes,
      long maxQueuedChars, Duration idleTimeout) {
    config.jetty.modifyWebSocketServletFactory(factory -> {
      factory.setMaxTextMessageSize(maxFrameBytes);
      factory.setMaxBinaryMessageSize(1024);
      factory.setIdleTimeout(idleTimeout);
      // No permessage-deflate, as the reference ShareDB server (ws) offers none: ops are tens of
      // bytes, so deflating each frame only costs CPU on both ends (the npm ws client inflates
      // every frame as an async zlib job, 10 at once per process). With it, server CPU per op and
      // ack latency were more than doubled in the docs/BENCHMARKS.md load.
      factory.getAvailableExtensionNames().remove("permessage-deflate");
    });
    config.routes.ws(path, ws -> {
      ws.onConnect(ctx -> {
        JettyConnection c = new JettyConnection(
            Long.toString(ids.incrementAndGet(), 36), ctx.session, maxQueuedChars, queuedChars);
        ctx.attribute(CONNECTION, c);
        listener.onOpen(c, ctx.queryParamMap(), ctx.attribute(PRINCIPAL));
      });
      ws.onMessage(ctx -> listener.onText(connection(ctx), ctx.message()));
      ws.onBinaryMessage(ctx -> connection(ctx).close(1003, "only text frames are accepted"));
      ws.onClose(ctx -> {
        JettyConnection c = connection(ctx);
        if (c != null) {
          c.markClosed();
          listener.onClose(c, ctx.status(), ctx.reason());
        }
      });
      ws.onError(ctx -> {
        JettyConnection c = connection(ctx);
        if (c != null) {
          c.close(1011, "connection error");
        }
      });
    });
  }

  private static JettyConnection connection(WsContext ctx) {
    return ctx.attribute(CONNECTION);
  }
}
