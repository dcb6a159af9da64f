package dev.quire.server.protocol;

import static dev.quire.server.testing.Msg.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.server.testing.Msg;
import dev.quire.server.testing.ProtocolTestServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of malformed delta that sharedb-protocol.md §7 says Quire rejects (where the
 * reference would corrupt the document) is refused with {@code ERR_OT_OP_BADLY_FORMED}, as an
 * edit in both wire forms (an array and {@code {ops}}) and as create data; the document is
 * untouched and everyone is still served. The document is {@code "Hello world"} (length 11).
 */
class MalformedOpTest {
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

  static Stream<Arguments> malformedEdits() {
    return Stream.of(
        bad("a retain past the end", "[{\"retain\":12},{\"insert\":\"x\"}]"),
        bad("a retain past the end, alone", "[{\"retain\":100}]"),
        bad("a delete past the end", "[{\"delete\":12}]"),
        bad("a retain then a delete past the end", "[{\"retain\":5},{\"delete\":7}]"),
        bad("a zero retain", "[{\"retain\":0},{\"insert\":\"x\"}]"),
        bad("a zero delete", "[{\"delete\":0}]"),
        bad("a negative retain", "[{\"retain\":-1},{\"insert\":\"x\"}]"),
        bad("a negative delete", "[{\"delete\":-3}]"),
        bad("a fractional retain", "[{\"retain\":1.5},{\"insert\":\"x\"}]"),
        bad("a fractional delete", "[{\"delete\":2.5}]"),
        bad("a retain given as a string", "[{\"retain\":\"3\"},{\"insert\":\"x\"}]"),
        bad("a null delete", "[{\"delete\":null}]"),
        bad("a retain of true", "[{\"retain\":true}]"),
        bad("insert and retain in one component", "[{\"insert\":\"a\",\"retain\":1}]"),
        bad("retain and delete in one component", "[{\"retain\":1,\"delete\":1}]"),
        bad("insert and delete in one component", "[{\"insert\":\"a\",\"delete\":1}]"),
        bad("an empty component", "[{}]"),
        bad("a component with only attributes", "[{\"attributes\":{\"bold\":true}}]"),
        bad("an unknown key beside an insert", "[{\"insert\":\"a\",\"bold\":true}]"),
        bad("an unknown key beside a retain", "[{\"retain\":1,\"attrs\":{\"bold\":true}}]"),
        bad("attributes that are a string", "[{\"insert\":\"a\",\"attributes\":\"bold\"}]"),
        bad("attributes that are an array", "[{\"retain\":1,\"attributes\":[\"bold\"]}]"),
        bad("attributes that are a number", "[{\"insert\":\"a\",\"attributes\":5}]"),
        bad("an insert of a number", "[{\"insert\":5}]"),
        bad("an insert of null", "[{\"insert\":null}]"),
        bad("an insert of true", "[{\"insert\":true}]"),
        bad("an insert of an array", "[{\"insert\":[\"a\"]}]"),
        bad("an insert of an empty string", "[{\"insert\":\"\"}]"),
        bad("an object retain", "[{\"retain\":{\"image\":\"x.png\"}}]"),
        bad("an object retain with attributes", "[{\"retain\":{\"image\":\"x.png\"},\"attributes\":{\"alt\":\"x\"}}]"),
        bad("a delete with attributes", "[{\"delete\":1,\"attributes\":{\"bold\":true}}]"),
        bad("a component that is a string", "[\"abc\"]"),
        bad("a component that is a number", "[5]"),
        bad("a component that is an array", "[[{\"insert\":\"a\"}]]"),
        // Valid JSON for the message parser (under its depth limit), too deep for the OT core's.
        bad("an attribute value nested 900 deep", "[{\"retain\":1,\"attributes\":{\"x\":"
            + "[".repeat(900) + "]".repeat(900) + "}}]"),
        bad("an embed nested 900 deep", "[{\"insert\":{\"x\":" + "[".repeat(900) + "]".repeat(900) + "}}]"));
  }

  @ParameterizedTest(name = "{0} is refused (array form)")
  @MethodSource("malformedEdits")
  void aMalformedEditIsRefused(String name, String op) {
    assertRefusedEdit(json(op));
  }

  @ParameterizedTest(name = "{0} is refused (object form)")
  @MethodSource("malformedEdits")
  void aMalformedEditInTheObjectFormIsRefused(String name, String op) {
    ObjectNode wrapped = Msg.obj();
    wrapped.set("ops", json(op));
    assertRefusedEdit(wrapped);
  }

  static Stream<Arguments> malformedOpValues() {
    return Stream.of(
        bad("an op that is a string", "\"insert x\""),
        bad("an op that is a number", "5"),
        bad("an op that is null", "null"),
        bad("an op object whose ops is a string", "{\"ops\":\"x\"}"),
        bad("an op object whose ops is an object", "{\"ops\":{\"insert\":\"x\"}}"),
        bad("an op object without ops", "{\"insert\":\"x\"}"));
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("malformedOpValues")
  void anOpThatIsNotADeltaIsRefused(String name, String op) {
    assertRefusedEdit(json(op));
  }

  static Stream<Arguments> malformedCreateData() {
    return Stream.of(
        bad("create data with a retain", "[{\"insert\":\"a\"},{\"retain\":1}]"),
        bad("create data with a delete", "[{\"delete\":1}]"),
        bad("create data with an object retain", "[{\"retain\":{\"image\":\"x.png\"}}]"),
        bad("create data inserting a number", "[{\"insert\":5}]"),
        bad("create data with an unknown key", "[{\"insert\":\"a\",\"size\":3}]"),
        bad("create data with attributes that are a string", "{\"ops\":[{\"insert\":\"a\",\"attributes\":\"b\"}]}"),
        bad("create data that is a string", "\"Hello\""));
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("malformedCreateData")
  void aCreateWithMalformedDataIsRefusedAndCreatesNothing(String name, String data) {
    String doc = ProtocolTestServer.newId("malformed-create");
    ObjectNode create = Msg.create(doc, 1, "x");
    ((ObjectNode) create.get("create")).set("data", json(data));
    server.assertHarmless(doc, () -> server.assertRefused(create, "ERR_OT_OP_BADLY_FORMED"));
  }

  private static void assertRefusedEdit(JsonNode op) {
    String doc = server.newDoc("Hello world");
    server.assertHarmless(doc, () -> server.assertRefused(Msg.op(doc, 1, 2, op), "ERR_OT_OP_BADLY_FORMED"));
  }

  private static Arguments bad(String name, String json) {
    return Arguments.of(name, json);
  }
}
