package dev.tsj.control.policy;

import java.util.List;
import java.util.Optional;

/** A parsed HuJSON value that remembers where it was written, so errors can point at it. */
public sealed interface HuJsonValue {

    SourcePosition position();

    /** What a reader calls this kind of value in an error message. */
    String kind();

    record Member(String key, SourcePosition keyPosition, HuJsonValue value) {}

    record Obj(List<Member> members, SourcePosition position) implements HuJsonValue {
        public Obj {
            members = List.copyOf(members);
        }

        public String kind() {
            return "an object";
        }

        public Optional<Member> member(String key) {
            return members.stream().filter(m -> m.key().equals(key)).findFirst();
        }
    }

    record Arr(List<HuJsonValue> elements, SourcePosition position) implements HuJsonValue {
        public Arr {
            elements = List.copyOf(elements);
        }

        public String kind() {
            return "an array";
        }
    }

    record Str(String value, SourcePosition position) implements HuJsonValue {
        public String kind() {
            return "a string";
        }
    }

    /** A number kept as written; the policy grammar decides what range it allows. */
    record Num(String text, SourcePosition position) implements HuJsonValue {
        public String kind() {
            return "a number";
        }
    }

    record Bool(boolean value, SourcePosition position) implements HuJsonValue {
        public String kind() {
            return "a boolean";
        }
    }

    record Null(SourcePosition position) implements HuJsonValue {
        public String kind() {
            return "null";
        }
    }
}
