package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses HuJSON, the "human JSON" of Tailscale policy files: JSON plus {@code //} and
 * {@code /* *}{@code /} comments and a trailing comma after the last element of an array or
 * object. Every error names the line and column where the text stops making sense.
 */
public final class HuJsonParser {

    /** Deeper nesting than any policy needs; bounds recursion on hostile input. */
    private static final int MAX_DEPTH = 64;

    private final String text;
    private int index;
    private int line = 1;
    private int column = 1;

    private HuJsonParser(String text) {
        this.text = text;
    }

    public static HuJsonValue parse(String text) throws PolicyException {
        HuJsonParser p = new HuJsonParser(text);
        p.skipBlank();
        if (p.atEnd()) {
            throw p.error("the policy is empty");
        }
        HuJsonValue v = p.value(0);
        p.skipBlank();
        if (!p.atEnd()) {
            throw p.error("unexpected " + p.describeCurrent() + " after the end of the policy");
        }
        return v;
    }

    private HuJsonValue value(int depth) throws PolicyException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (atEnd()) {
            throw error("unexpected end of the policy, expected a value");
        }
        SourcePosition at = here();
        char c = peek();
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return new HuJsonValue.Str(string(), at);
            case 't':
                literal("true");
                return new HuJsonValue.Bool(true, at);
            case 'f':
                literal("false");
                return new HuJsonValue.Bool(false, at);
            case 'n':
                literal("null");
                return new HuJsonValue.Null(at);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return new HuJsonValue.Num(number(), at);
                }
                throw error("unexpected " + describeCurrent() + ", expected a value");
        }
    }

    private HuJsonValue.Obj object(int depth) throws PolicyException {
        SourcePosition at = here();
        advance();
        List<HuJsonValue.Member> members = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (true) {
            skipBlank();
            if (atEnd()) {
                throw error("unexpected end of the policy, expected '}'");
            }
            if (peek() == '}') {
                advance();
                return new HuJsonValue.Obj(members, at);
            }
            if (peek() != '"') {
                throw error("expected a quoted key or '}', found " + describeCurrent());
            }
            SourcePosition keyAt = here();
            String key = string();
            if (!seen.add(key)) {
                throw new PolicyException(keyAt, "duplicate key \"" + key + "\"");
            }
            skipBlank();
            if (atEnd() || peek() != ':') {
                throw error("expected ':' after key \"" + key + "\"");
            }
            advance();
            skipBlank();
            members.add(new HuJsonValue.Member(key, keyAt, value(depth + 1)));
            skipBlank();
            if (atEnd()) {
                throw error("unexpected end of the policy, expected ',' or '}'");
            }
            if (peek() == ',') {
                advance();
            } else if (peek() != '}') {
                throw error("expected ',' or '}' after the value of \"" + key + "\", found " + describeCurrent());
            }
        }
    }

    private HuJsonValue.Arr array(int depth) throws PolicyException {
        SourcePosition at = here();
        advance();
        List<HuJsonValue> elements = new ArrayList<>();
        while (true) {
            skipBlank();
            if (atEnd()) {
                throw error("unexpected end of the policy, expected ']'");
            }
            if (peek() == ']') {
                advance();
                return new HuJsonValue.Arr(elements, at);
            }
            elements.add(value(depth + 1));
            skipBlank();
            if (atEnd()) {
                throw error("unexpected end of the policy, expected ',' or ']'");
            }
            if (peek() == ',') {
                advance();
            } else if (peek() != ']') {
                throw error("expected ',' or ']' after a list element, found " + describeCurrent());
            }
        }
    }

    private String string() throws PolicyException {
        SourcePosition start = here();
        advance();
        StringBuilder out = new StringBuilder();
        while (true) {
            if (atEnd() || peek() == '\n') {
                throw new PolicyException(start, "unterminated string");
            }
            char c = peek();
            if (c == '"') {
                advance();
                return out.toString();
            }
            if (c < 0x20) {
                throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
            }
            if (c != '\\') {
                out.append(c);
                advance();
                continue;
            }
            advance();
            if (atEnd()) {
                throw new PolicyException(start, "unterminated string");
            }
            char e = peek();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    advance();
                    out.append(hex4());
                    continue;
                }
                default -> throw error("invalid escape '\\" + e + "' in a string");
            }
            advance();
        }
    }

    private char hex4() throws PolicyException {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = atEnd() ? -1 : Character.digit(peek(), 16);
            if (d < 0) {
                throw error("expected four hex digits after \\u");
            }
            v = (v << 4) | d;
            advance();
        }
        return (char) v;
    }

    private String number() throws PolicyException {
        int start = index;
        SourcePosition at = here();
        if (peek() == '-') {
            advance();
        }
        if (atEnd() || !isDigit(peek())) {
            throw error("invalid number: expected a digit");
        }
        if (peek() == '0') {
            advance();
            if (!atEnd() && isDigit(peek())) {
                throw new PolicyException(at, "invalid number: leading zero");
            }
        } else {
            digits();
        }
        if (!atEnd() && peek() == '.') {
            advance();
            if (atEnd() || !isDigit(peek())) {
                throw error("invalid number: expected a digit after '.'");
            }
            digits();
        }
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            advance();
            if (!atEnd() && (peek() == '+' || peek() == '-')) {
                advance();
            }
            if (atEnd() || !isDigit(peek())) {
                throw error("invalid number: expected a digit in the exponent");
            }
            digits();
        }
        return text.substring(start, index);
    }

    private void digits() {
        while (!atEnd() && isDigit(peek())) {
            advance();
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) throws PolicyException {
        SourcePosition at = here();
        for (int k = 0; k < word.length(); k++) {
            if (atEnd() || peek() != word.charAt(k)) {
                throw new PolicyException(at, "invalid literal, expected '" + word + "'");
            }
            advance();
        }
        if (!atEnd() && Character.isLetterOrDigit(peek())) {
            throw new PolicyException(at, "invalid literal, expected '" + word + "'");
        }
    }

    /** Skips whitespace and comments, which may appear anywhere a token may. */
    private void skipBlank() throws PolicyException {
        while (!atEnd()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF') {
                advance();
            } else if (c == '/' && index + 1 < text.length() && text.charAt(index + 1) == '/') {
                while (!atEnd() && peek() != '\n') {
                    advance();
                }
            } else if (c == '/' && index + 1 < text.length() && text.charAt(index + 1) == '*') {
                SourcePosition start = here();
                advance();
                advance();
                while (true) {
                    if (atEnd()) {
                        throw new PolicyException(start, "unterminated /* comment");
                    }
                    if (peek() == '*' && index + 1 < text.length() && text.charAt(index + 1) == '/') {
                        advance();
                        advance();
                        break;
                    }
                    advance();
                }
            } else {
                return;
            }
        }
    }

    private String describeCurrent() {
        char c = peek();
        if (c < 0x20 || c == 0x7F) {
            return "character U+" + String.format("%04X", (int) c);
        }
        return "'" + c + "'";
    }

    private boolean atEnd() {
        return index >= text.length();
    }

    private char peek() {
        return text.charAt(index);
    }

    private void advance() {
        if (text.charAt(index) == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        index++;
    }

    private SourcePosition here() {
        return new SourcePosition(line, column);
    }

    private PolicyException error(String problem) {
        return new PolicyException(here(), problem);
    }
}
