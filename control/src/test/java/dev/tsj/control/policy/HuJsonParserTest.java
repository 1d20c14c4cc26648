package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HuJsonParserTest {

    @Test
    void readsCommentsAndTrailingCommas() throws PolicyException {
        String text = """
                // the tailnet policy
                {
                  /* groups of people */
                  "groups": {"group:ops": ["a@example.com",],}, // trailing commas
                  "n": -1.5e3,
                  "t": true, "f": false, "z": null,
                }
                """;
        HuJsonValue.Obj root = assertInstanceOf(HuJsonValue.Obj.class, HuJsonParser.parse(text));
        assertEquals(5, root.members().size());
        HuJsonValue.Obj groups = assertInstanceOf(HuJsonValue.Obj.class, root.member("groups").orElseThrow().value());
        HuJsonValue.Arr ops = assertInstanceOf(HuJsonValue.Arr.class, groups.member("group:ops").orElseThrow().value());
        assertEquals(new SourcePosition(4, 28), ops.elements().getFirst().position());
        assertEquals("-1.5e3", ((HuJsonValue.Num) root.member("n").orElseThrow().value()).text());
    }

    @Test
    void decodesEscapes() throws PolicyException {
        HuJsonValue v = HuJsonParser.parse("\"a\\\"b\\\\c\\/d\\n\\u00e9\"");
        assertEquals("a\"b\\c/d\né", ((HuJsonValue.Str) v).value());
    }

    @Test
    void missingCommaNamesLineAndColumn() {
        String text = "{\n  \"acls\": []\n  \"groups\": {}\n}";
        assertEquals("policy: line 3, column 3: expected ',' or '}' after the value of \"acls\", found '\"'", error(text));
    }

    @Test
    void missingCommaInArray() {
        assertEquals("policy: line 1, column 7: expected ',' or ']' after a list element, found '3'", error("[1, 2 3]"));
    }

    @Test
    void otherSyntaxErrors() {
        assertEquals("policy: line 1, column 3: the policy is empty", error("  "));
        assertEquals("policy: line 1, column 2: unexpected end of the policy, expected '}'", error("{"));
        assertEquals("policy: line 1, column 2: expected a quoted key or '}', found 'a'", error("{acls: []}"));
        assertEquals("policy: line 1, column 7: unterminated string", error("{\"a\": \"b}"));
        assertEquals("policy: line 2, column 1: unterminated /* comment", error("{}\n/* never closed"));
        assertEquals("policy: line 1, column 4: unexpected '}' after the end of the policy", error("{} }"));
        assertEquals("policy: line 1, column 7: invalid number: leading zero", error("{\"a\": 01}"));
        assertEquals("policy: line 1, column 7: invalid literal, expected 'true'", error("{\"a\": tru}"));
        assertEquals("policy: line 1, column 10: duplicate key \"a\"", error("{\"a\": 1, \"a\": 2}"));
        assertEquals("policy: line 1, column 9: invalid escape '\\q' in a string", error("{\"a\": \"\\q\"}"));
    }

    @Test
    void refusesHostileNesting() {
        String deep = "[".repeat(1000) + "]".repeat(1000);
        assertEquals("policy: line 1, column 66: nesting deeper than 64 levels", error(deep));
    }

    private static String error(String text) {
        return assertThrows(PolicyException.class, () -> HuJsonParser.parse(text)).getMessage();
    }
}
