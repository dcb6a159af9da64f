package dev.quire.ot;

import static dev.quire.ot.TestJson.assertAttrs;
import static dev.quire.ot.TestJson.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * quill-delta {@code test/attributes.ts} (compose, transform, invert; 4.2.2 has no diff in the
 * rich-text type). {@code null} stands for JavaScript's {@code undefined}; {@code "{}"} is an
 * empty map, which is different. Expected values were checked against npm quill-delta 4.2.2.
 */
class AttributeMapTest {

  @Nested
  class Compose {
    private final String attributes = "{'bold':true,'color':'red'}";

    private AttributeMap compose(String a, String b, boolean keepNull) {
      return AttributeMap.compose(attrs(a), attrs(b), keepNull);
    }

    @Test
    void anUndefinedLeftGivesTheRight() {
      assertAttrs(attributes, compose(null, attributes, false));
    }

    @Test
    void anUndefinedRightGivesTheLeft() {
      assertAttrs(attributes, compose(attributes, null, false));
    }

    @Test
    void twoUndefinedGiveUndefined() {
      assertAttrs(null, compose(null, null, false));
    }

    @Test
    void twoEmptyMapsGiveUndefined() {
      assertAttrs(null, compose("{}", "{}", false));
      assertAttrs(null, compose("{}", "{}", true));
    }

    @Test
    void addsMissingKeys() {
      assertAttrs("{'bold':true,'italic':true,'color':'red'}", compose(attributes, "{'italic':true}", false));
    }

    @Test
    void theRightOverwrites() {
      assertAttrs("{'bold':false,'color':'blue'}", compose(attributes, "{'bold':false,'color':'blue'}", false));
    }

    @Test
    void aRightNullRemovesTheKey() {
      assertAttrs("{'color':'red'}", compose(attributes, "{'bold':null}", false));
    }

    @Test
    void removingEveryKeyGivesUndefined() {
      assertAttrs(null, compose(attributes, "{'bold':null,'color':null}", false));
    }

    @Test
    void removingAMissingKeyChangesNothing() {
      assertAttrs(attributes, compose(attributes, "{'italic':null}", false));
    }

    @Test
    void keepNullKeepsTheRightNulls() {
      assertAttrs("{'bold':null,'color':'red'}", compose(attributes, "{'bold':null}", true));
      assertAttrs("{'a':null}", compose("{'a':1}", "{'a':null}", true));
    }

    @Test
    void aLeftNullCountsAsAValue() {
      assertAttrs("{'b':1,'a':null}", compose("{'a':null}", "{'b':1}", false));
    }
  }

  @Nested
  class Transform {
    private final String left = "{'bold':true,'color':'red','font':null}";
    private final String right = "{'color':'blue','font':'serif','italic':true}";

    private AttributeMap transform(String a, String b, boolean priority) {
      return AttributeMap.transform(attrs(a), attrs(b), priority);
    }

    @Test
    void anUndefinedLeftGivesTheRight() {
      assertAttrs(left, transform(null, left, false));
      assertAttrs(left, transform(null, left, true));
    }

    @Test
    void anUndefinedRightGivesUndefined() {
      assertAttrs(null, transform(left, null, false));
      assertAttrs(null, transform(left, null, true));
    }

    @Test
    void twoUndefinedGiveUndefined() {
      assertAttrs(null, transform(null, null, false));
    }

    @Test
    void withPriorityOnlyKeysTheLeftLacksSurvive() {
      assertAttrs("{'italic':true}", transform(left, right, true));
    }

    @Test
    void withPriorityALeftNullCountsAsSettingTheKeyAndRightNullsSurvive() {
      assertAttrs("{'b':null}", transform("{'a':null}", "{'a':1,'b':null}", true));
    }

    @Test
    void withPriorityNothingLeftGivesUndefined() {
      assertAttrs(null, transform("{'a':1}", "{'a':2}", true));
      assertAttrs(null, transform("{'a':1}", "{}", true));
    }

    @Test
    void withoutPriorityTheRightIsKeptAsItIs() {
      assertAttrs(right, transform(left, right, false));
      assertAttrs("{}", transform("{'a':1}", "{}", false));
    }
  }

  @Nested
  class Invert {
    private AttributeMap invert(String attr, String base) {
      return AttributeMap.invert(attrs(attr), attrs(base));
    }

    @Test
    void undefinedAttributesInvertToEmpty() {
      assertAttrs("{}", invert(null, "{'bold':true}"));
    }

    @Test
    void anUndefinedBaseInvertsToNulls() {
      assertAttrs("{'bold':null}", invert("{'bold':true}", null));
    }

    @Test
    void bothUndefinedInvertToEmpty() {
      assertAttrs("{}", invert(null, null));
    }

    @Test
    void keysOnlyInTheBaseAreLeftOut() {
      assertAttrs("{'bold':null}", invert("{'bold':true}", "{'italic':true}"));
    }

    @Test
    void aRemovedKeyComesBack() {
      assertAttrs("{'bold':true}", invert("{'bold':null}", "{'bold':true}"));
    }

    @Test
    void aReplacedValueComesBack() {
      assertAttrs("{'color':'blue'}", invert("{'color':'red'}", "{'color':'blue'}"));
    }

    @Test
    void anEqualPrimitiveValueIsNoChange() {
      assertAttrs("{}", invert("{'color':'red'}", "{'color':'red'}"));
    }

    @Test
    void removingAnAbsentKeyInvertsToNull() {
      assertAttrs("{'a':null}", invert("{'a':null}", "{}"));
      assertAttrs("{}", invert("{'a':null}", "{'a':null}"));
    }

    @Test
    void combinesAllRules() {
      assertAttrs("{'bold':null,'italic':true,'color':'blue'}",
          invert("{'bold':true,'italic':null,'color':'red','size':'12px'}",
              "{'font':'serif','italic':true,'color':'blue','size':'12px'}"));
    }

    @Test
    void equalLookingObjectsFromDifferentOpsAreDifferentAsJavaScriptSays() {
      assertAttrs("{'link':{'href':'x'}}", invert("{'link':{'href':'x'}}", "{'link':{'href':'x'}}"));
    }

    @Test
    void theVerySameObjectIsNoChangeAsJavaScriptSays() {
      JsonNode link = JsonNodeFactory.instance.objectNode().put("href", "x");
      AttributeMap shared = AttributeMap.builder().put("link", link).build();
      assertAttrs("{}", AttributeMap.invert(shared, shared));
    }
  }

  @Nested
  class Equality {
    @Test
    void isDeepAndIgnoresKeyOrder() {
      assertEquals(attrs("{'a':{'x':[1,2]},'b':true}"), attrs("{'b':true,'a':{'x':[1,2]}}"));
      assertEquals(attrs("{'a':{'x':[1,2]}}").hashCode(), attrs("{'a':{'x':[1,2]}}").hashCode());
    }

    @Test
    void comparesNumbersAsJavaScriptNumbers() {
      assertEquals(attrs("{'h':1}"), attrs("{'h':1.0}"));
      assertEquals(attrs("{'h':1}").hashCode(), attrs("{'h':1.0}").hashCode());
    }

    @Test
    void tellsNullFromAbsentAndEmptyFromUndefined() {
      assertNotEquals(attrs("{'a':null}"), attrs("{}"));
      assertNotEquals(attrs("{'a':null,'b':1}"), attrs("{'b':1,'c':null}"));
      assertEquals(false, AttributeMap.equal(null, AttributeMap.EMPTY));
      assertEquals(true, AttributeMap.equal(null, null));
    }

    @Test
    void aRepeatedKeyReplacesTheFirstAsJsonParseDoes() {
      assertEquals(attrs("{'a':2}"), attrs("{'a':1,'a':2}"));
    }
  }
}
