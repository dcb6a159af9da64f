package dev.quire.server.protocol;

import static dev.quire.server.testing.Msg.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import dev.quire.server.testing.RawSocketClient;
import dev.quire.server.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages a correct client never sends. Each gets its exact protocol error (the request echoed
 * with {@code error.code}) or close code; the document stays as it was; another client on the
 * same document is still served; and, after an error reply, so is the sender.
 */
class BadInputTest {
  @TempDir static Path tmp;
  static ProtocolTestServer server;

  @BeforeAll
  static void start() {
    server = ProtocolTestServer.start(tmp, Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "invalid JSON {0} closes the connection with 1007")
  @ValueSource(strings = {"", " ", "{", "not json", "{\"a\":\"f\",}", "{\"a\":\"pp\"} trailing", "{\"a\":'pp'}", "{\"a\":\"pp\"}{\"a\":\"pp\"}"})
  void invalidJsonClosesTheConnectionWith1007(String frame) {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> {
      try (WsClient bad = server.client()) {
        bad.send(frame);
        assertEquals(1007, bad.awaitClose());
      }
    });
  }

  @ParameterizedTest(name = "a JSON message that is not an object ({0}) is answered ERR_MESSAGE_BADLY_FORMED")
  @ValueSource(strings = {"42", "[]", "[{\"a\":\"pp\"}]", "\"hs\"", "null", "true"})
  void aJsonValueThatIsNotAnObjectIsAnsweredWithAnError(String frame) {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> {
      try (WsClient bad = server.client()) {
        bad.send(frame);
        JsonNode reply = bad.next(Msg::isError);
        assertEquals("ERR_MESSAGE_BADLY_FORMED", Msg.errorCode(reply));
        bad.assertServed();
      }
    });
  }

  @Test
  void invalidUtf8InATextFrameClosesTheConnectionWith1007() {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> {
      try (RawSocketClient bad = RawSocketClient.connect(server.uri(), 65536)) {
        byte[] frame = "{\"a\":\"pp\",\"x\":\"..\"}".getBytes(StandardCharsets.US_ASCII);
        frame[15] = (byte) 0xc3; // a lead byte followed by '.', not a continuation byte
        bad.sendText(frame);
        assertEquals(1007, bad.readCloseCode());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void aBinaryFrameClosesTheConnectionWith1003() {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> {
      try (WsClient bad = server.client()) {
        bad.sendBinary("{\"a\":\"pp\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(1003, bad.awaitClose());
      }
    });
  }

  @Test
  void jsonNestedTenThousandDeepClosesWith1007InsteadOfExhaustingTheStack() {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> {
      try (WsClient bad = server.client()) {
        bad.send("{\"a\":\"pp\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        assertEquals(1007, bad.awaitClose());
      }
    });
  }

  /** A request built from the target document's id and its version (the document has version 1). */
  interface Request extends BiFunction<String, Long, JsonNode> {}

  static Stream<Arguments> refusedRequests() {
    return Stream.of(
        // the message itself
        refused("an unknown action", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> obj("zz", d)),
        refused("a missing action", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> obj("f", d).without("a")),
        refused("an action that is not a string", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> obj("f", d).put("a", 1)),
        refused("a fetch whose c is not a string", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> Msg.fetch(d).put("c", 5)),
        refused("an op whose c is not a string", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("c", 5)),
        refused("an op whose d is not a string", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("d", 5)),
        refused("an op whose d is empty", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("d", "")),
        refused("an op whose v is negative", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("v", -1)),
        refused("an op whose v is fractional", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("v", 0.5)),
        refused("an op whose v is a string", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("v", "1")),
        refused("an op whose d is 257 characters", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("d", "d".repeat(257))),
        refused("an op whose d holds a control character", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("d", d + "\n")),
        refused("an op whose d holds a lone surrogate", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("d", d + "\ud800")),
        refused("an op whose src holds a lone surrogate", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("src", "s\udc00")),
        refused("an op whose seq is a string", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("seq", "2")),
        refused("an op whose seq is negative", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("seq", -2)),
        refused("an op whose seq is fractional", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("seq", 2.5)),
        refused("an op without seq", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).without("seq")),
        refused("an op whose src is not a string", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).put("src", 5)),
        refused("an op message with no op, create or del", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> insert(d, v).without("op")),
        refused("a bulk fetch whose b is a string", "ERR_MESSAGE_BADLY_FORMED",
            (d, v) -> Msg.obj().put("a", "bf").put("c", "docs").put("b", d)),
        // seq at JavaScript's integer limit
        refused("an op with seq 2^53", "ERR_CONNECTION_SEQ_INTEGER_OVERFLOW", (d, v) -> insert(d, v).put("seq", 1L << 53)),
        refused("an op with seq 2^53-1", "ERR_CONNECTION_SEQ_INTEGER_OVERFLOW", (d, v) -> insert(d, v).put("seq", (1L << 53) - 1)),
        refused("an op with seq 1e300", "ERR_CONNECTION_SEQ_INTEGER_OVERFLOW", (d, v) -> insert(d, v).put("seq", 1e300)),
        // del must be exactly true: a falsy del is no op body at all, any other value a malformed op (as ShareDB)
        refused("a del of false", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> del(d, v).put("del", false)),
        refused("a del of \"true\"", "ERR_OT_OP_BADLY_FORMED", (d, v) -> del(d, v).put("del", "true")),
        refused("a del of 1", "ERR_OT_OP_BADLY_FORMED", (d, v) -> del(d, v).put("del", 1)),
        refused("a del of an object", "ERR_OT_OP_BADLY_FORMED", (d, v) -> del(d, v).set("del", Msg.obj())),
        // document state
        refused("a create with an unknown type", "ERR_DOC_TYPE_NOT_RECOGNIZED",
            (d, v) -> createOf(d, "json0")),
        refused("a create with the type's URI misspelt", "ERR_DOC_TYPE_NOT_RECOGNIZED",
            (d, v) -> createOf(d, "https://sharejs.org/types/rich-text/v1")),
        refused("a create of an existing document by someone else", "ERR_DOC_ALREADY_CREATED",
            (d, v) -> Msg.create(d, 7, "other")),
        refused("a create of an existing document at its head version", "ERR_DOC_ALREADY_CREATED",
            (d, v) -> Msg.create(d, 7, "other").put("v", v)),
        refused("an op from the future", "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT", (d, v) -> insert(d, v + 1)),
        refused("an op from the far future", "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT", (d, v) -> insert(d, v + 1_000_000)),
        // 2^64 + 1: wrapped to 64 bits it would be version 1, the document's head
        refused("an op whose v is 2^64+1", "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT",
            (d, v) -> insert(d, v).put("v", new java.math.BigInteger("18446744073709551617"))),
        refused("an op whose v is 1e300", "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT", (d, v) -> insert(d, v).put("v", 1e300)),
        refused("a snapshot request from the future", "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT",
            (d, v) -> Msg.obj().put("a", "nf").put("id", 3).put("c", "docs").put("d", d).put("v", v + 1)),
        // other actions' fields
        refused("a snapshot-at-time request whose ts is a string", "ERR_MESSAGE_BADLY_FORMED",
            (d, v) -> Msg.obj().put("a", "nt").put("id", 4).put("c", "docs").put("d", d).put("ts", "yesterday")),
        refused("a bulk subscribe with a negative version", "ERR_MESSAGE_BADLY_FORMED",
            (d, v) -> bulk("bs").set("b", Msg.obj().put(d, -1))),
        refused("a bulk fetch with a version that is a string", "ERR_MESSAGE_BADLY_FORMED",
            (d, v) -> bulk("bf").set("b", Msg.obj().put(d, "1"))),
        refused("a bulk fetch with an id that is a number", "ERR_MESSAGE_BADLY_FORMED",
            (d, v) -> bulk("bf").set("b", json("[5]"))),
        refused("presence whose channel is a number", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> presence(d, v).put("ch", 5)),
        refused("presence without an id", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> presence(d, v).without("id")),
        refused("presence whose range is a number", "ERR_MESSAGE_BADLY_FORMED", (d, v) -> presence(d, v).put("p", 5)),
        refused("presence at a negative index", "ERR_MESSAGE_BADLY_FORMED",
            (d, v) -> presence(d, v).set("p", Msg.obj().put("index", -1).put("length", 0))),
        refused("presence with a fractional length", "ERR_MESSAGE_BADLY_FORMED",
            (d, v) -> presence(d, v).set("p", Msg.obj().put("index", 0).put("length", 0.5))),
        refused("presence of a type without presence", "ERR_TYPE_DOES_NOT_SUPPORT_PRESENCE",
            (d, v) -> presence(d, v).put("t", "http://sharejs.org/types/JSONv0")),
        // out of scope
        refused("a query fetch", "ERR_QUIRE_QUERIES_NOT_SUPPORTED",
            (d, v) -> Msg.obj().put("a", "qf").put("id", 1).put("c", "docs").set("q", Msg.obj())),
        refused("a query subscribe", "ERR_QUIRE_QUERIES_NOT_SUPPORTED",
            (d, v) -> Msg.obj().put("a", "qs").put("id", 2).put("c", "docs").set("q", Msg.obj())),
        refused("a query unsubscribe", "ERR_QUIRE_QUERIES_NOT_SUPPORTED",
            (d, v) -> Msg.obj().put("a", "qu").put("id", 2)),
        refused("a fetch in another collection", "ERR_QUIRE_COLLECTION_NOT_FOUND", (d, v) -> Msg.fetch(d).put("c", "users")),
        refused("a subscribe in another collection", "ERR_QUIRE_COLLECTION_NOT_FOUND", (d, v) -> Msg.subscribe(d).put("c", "users")),
        refused("an op in another collection", "ERR_QUIRE_COLLECTION_NOT_FOUND", (d, v) -> insert(d, v).put("c", "users")));
  }

  @ParameterizedTest(name = "{0} is refused with {1}")
  @MethodSource("refusedRequests")
  void aBadRequestIsRefusedWithItsCodeAndHarmsNothing(String name, String code, Request request) {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> server.assertRefused(request.apply(doc, 1L), code));
  }

  static Stream<Arguments> refusedOnMissingDocuments() {
    return Stream.of(
        refused("an op for a document that does not exist", "ERR_DOC_DOES_NOT_EXIST", (d, v) -> insert(d, 0L)),
        refused("a delete of a document that does not exist", "ERR_DOC_DOES_NOT_EXIST", (d, v) -> del(d, 0L)),
        refused("a create with an unknown type", "ERR_DOC_TYPE_NOT_RECOGNIZED", (d, v) -> createOf(d, "json0")),
        refused("an op from the future on a document that does not exist", "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT",
            (d, v) -> insert(d, 1L)));
  }

  @ParameterizedTest(name = "{0} is refused with {1}")
  @MethodSource("refusedOnMissingDocuments")
  void aBadRequestForAMissingDocumentIsRefusedAndCreatesNothing(String name, String code, Request request) {
    String doc = ProtocolTestServer.newId("missing");
    server.assertHarmless(doc, () -> server.assertRefused(request.apply(doc, 0L), code));
  }

  static Arguments refused(String name, String code, Request request) {
    return Arguments.of(name, code, request);
  }

  static ObjectNode obj(String a, String doc) {
    return Msg.obj().put("a", a).put("c", "docs").put("d", doc);
  }

  static ObjectNode insert(String doc, long v) {
    return Msg.insert(doc, v, 2, 0, "bad");
  }

  static ObjectNode del(String doc, long v) {
    return Msg.obj().put("a", "op").put("c", "docs").put("d", doc).put("v", v).put("seq", 2).put("del", true);
  }

  static ObjectNode bulk(String a) {
    return Msg.obj().put("a", a).put("c", "docs");
  }

  static ObjectNode presence(String doc, long v) {
    ObjectNode m = Msg.obj().put("a", "p").put("ch", "docs." + doc).put("id", "cursor");
    m.set("p", Msg.obj().put("index", 0).put("length", 1));
    return m.put("pv", 0).put("c", "docs").put("d", doc).put("v", v).put("t", "http://sharejs.org/types/rich-text/v1");
  }

  static ObjectNode createOf(String doc, String type) {
    ObjectNode m = Msg.obj().put("a", "op").put("c", "docs").put("d", doc).putNull("v").put("seq", 1);
    m.putObject("create").put("type", type).set("data", json("[{\"insert\":\"x\"}]"));
    return m;
  }
}
