package dev.tsj.control.policy;

/** One name a policy uses for a set of nodes or addresses, as written in src, dst or an owner list. */
public sealed interface Alias {

    /** The alias as the policy spelled it. */
    String text();

    /** {@code *}: every node and every subnet its routers serve. */
    record Wildcard() implements Alias {
        public String text() {
            return "*";
        }
    }

    /** A user by login, e.g. {@code alice@example.com}; matches their untagged nodes. */
    record User(String login) implements Alias {
        public String text() {
            return login;
        }
    }

    /** {@code group:name}, defined in the policy's groups section. */
    record Group(String name) implements Alias {
        public String text() {
            return name;
        }
    }

    /** {@code tag:name}, which must have an entry in tagOwners. */
    record Tag(String name) implements Alias {
        public String text() {
            return name;
        }
    }

    /** A name from the hosts section. */
    record Host(String name) implements Alias {
        public String text() {
            return name;
        }
    }

    /** A literal address, CIDR prefix or {@code a-b} range. */
    record Addresses(String text, IpSet addresses) implements Alias {}

    /** One of Tailscale's built-in {@code autogroup:} names. */
    record AutoGroup(AutoGroupKind kind) implements Alias {
        public String text() {
            return kind.policyName();
        }
    }
}
