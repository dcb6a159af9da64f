package dev.quire.server.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw ShareDB-protocol client over {@code java.net.http}'s WebSocket, for tests that send what
 * a well-behaved client never would. Every text frame received is parsed and kept in arrival
 * order; {@link #next} takes out the first one that matches, waiting up to a deadline, so a test
 * can wait for a reply while unrelated pushes (ops, presence) wait their turn.
 */
public final class WsClient implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<JsonNode> received = new ArrayList<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;
  private String src;

  private WsClient(URI uri, Duration connectTimeout) {
    this(uri, connectTimeout, java.util.Map.of());
  }

  private WsClient(URI uri, Duration connectTimeout, java.util.Map<String, String> headers) {
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(connectTimeout);
    headers.forEach(b::header);
    this.socket = b.buildAsync(uri, new Listener()).orTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /**
   * Opens a socket with these headers on the upgrade request (Cookie, Origin, Authorization);
   * throws (a {@link java.util.concurrent.CompletionException}) when the server refuses the upgrade.
   */
  public static WsClient open(URI uri, java.util.Map<String, String> headers) {
    return new WsClient(uri, TIMEOUT, headers);
  }

  /** Opens a socket without a handshake. */
  public static WsClient open(URI uri) {
    return new WsClient(uri, TIMEOUT);
  }

  /**
   * Opens a socket without a handshake, giving up after {@code connectTimeout} (the upgrade
   * included: a frozen server behind a proxy accepts the connection and never answers).
   */
  public static WsClient open(URI uri, Duration connectTimeout) {
    return new WsClient(uri, connectTimeout);
  }

  /** Opens a socket and handshakes as a new client. */
  public static WsClient connect(URI uri) {
    return open(uri).handshake(null);
  }

  /** Handshakes; {@code id} is a previous session id to resume (null for a new one). */
  public WsClient handshake(String id) {
    send("{\"a\":\"hs\",\"id\":" + (id == null ? "null" : JSON.valueToTree(id)) + ",\"protocol\":1,\"protocolMinor\":2}");
    src = next(m -> "hs".equals(m.path("a").asText()) && m.has("protocol")).get("id").asText();
    return this;
  }

  /** The session id the server gave us. */
  public String src() {
    return src;
  }

  /** Sends one text frame and waits until it is handed to the network. */
  public void send(String text) {
    socket.sendText(text, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Sends one binary frame. */
  public void sendBinary(byte[] data) {
    socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  public void send(JsonNode message) {
    // Our writer escapes lone surrogates; Jackson's toString would leave them raw for the UTF-8
    // encoder to replace with '?', and the test would not send what it says.
    StringBuilder sb = new StringBuilder();
    dev.quire.ot.json.JsonText.value(sb, message);
    send(sb.toString());
  }

  /** Sends a request and returns the first message that {@code isReply} accepts. */
  public JsonNode request(JsonNode message, Predicate<JsonNode> isReply) {
    send(message);
    return next(isReply);
  }

  /** Takes out the first received message {@code p} accepts, waiting up to {@link #TIMEOUT}. */
  public JsonNode next(Predicate<JsonNode> p) {
    JsonNode m = poll(p, TIMEOUT);
    if (m == null) {
      throw new AssertionError("no matching message within " + TIMEOUT + (closed.isDone() ? " (closed " + closed.join() + ")" : "")
          + "; received: " + snapshot());
    }
    return m;
  }

  /** Takes out the first received message {@code p} accepts, or null after {@code timeout}. */
  public synchronized JsonNode poll(Predicate<JsonNode> p, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Iterator<JsonNode> it = received.iterator(); it.hasNext(); ) {
        JsonNode m = it.next();
        if (p.test(m)) {
          it.remove();
          return m;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed.isDone()) {
        return null;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** How many received messages {@code p} accepts, without taking them out. */
  public synchronized long count(Predicate<JsonNode> p) {
    return received.stream().filter(p).count();
  }

  /** Forgets everything received so far (pushed ops a test does not look at). */
  public synchronized void clear() {
    received.clear();
  }

  public synchronized List<JsonNode> snapshot() {
    return List.copyOf(received);
  }

  /** The close code the server sent (1006 when the connection just dropped), waiting for it. */
  public int awaitClose() {
    return closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** Answers a ping: proof this connection is still served. */
  public void assertServed() {
    send("{\"a\":\"pp\"}");
    next(m -> "pp".equals(m.path("a").asText()));
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.abort();
    }
  }

  private synchronized void add(JsonNode m) {
    received.add(m);
    notifyAll();
  }

  private synchronized void closed(int code) {
    closed.complete(code);
    notifyAll();
  }

  public static ObjectNode parse(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          add(JSON.readTree(text));
        } catch (JsonProcessingException e) {
          add(JSON.getNodeFactory().objectNode().put("unparseable", text));
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed(1006);
    }
  }
}
