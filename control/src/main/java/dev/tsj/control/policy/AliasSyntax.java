package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the alias strings of a policy ({@code tag:web}, {@code 10.0.0.0/8}, {@code tag:web:80,443}) and checks them. */
final class AliasSyntax {

    /** Where an alias appears, which decides what it may be. */
    enum Role {
        SOURCE,
        DESTINATION,
        /** In tagOwners or autoApprovers: who owns or approves, so only people and tags. */
        OWNER
    }

    private AliasSyntax() {}

    static Alias parse(String token, SourcePosition at, String path, Role role, PolicyParser.Names names)
            throws PolicyException {
        if (token.isEmpty()) {
            throw new PolicyException(at, path + ": empty name");
        }
        if (token.equals("*")) {
            if (role == Role.OWNER) {
                throw new PolicyException(at, path + ": \"*\" cannot own or approve anything");
            }
            return new Alias.Wildcard();
        }
        if (token.startsWith("autogroup:")) {
            return autogroup(token, at, path, role);
        }
        if (token.startsWith("group:")) {
            if (!names.groups().contains(token)) {
                throw new PolicyException(at, path + ": unknown group \"" + token + "\"; define it in groups");
            }
            return new Alias.Group(token);
        }
        if (token.startsWith("tag:")) {
            if (!names.tags().contains(token)) {
                throw new PolicyException(at, path + ": tag \"" + token + "\" has no owner in tagOwners");
            }
            return new Alias.Tag(token);
        }
        if (token.contains("@")) {
            return new Alias.User(token);
        }
        if (role == Role.OWNER) {
            throw new PolicyException(at, path + ": \"" + token + "\" is not a user, group or tag");
        }
        if (token.contains("/")) {
            Optional<IpPrefix> prefix = IpPrefix.parse(token);
            if (prefix.isEmpty()) {
                throw new PolicyException(at, path + ": bad CIDR \"" + token + "\"");
            }
            return new Alias.Addresses(token, IpSet.of(prefix.get().range()));
        }
        Optional<IpRange> range = IpRange.parse(token);
        if (range.isPresent()) {
            return new Alias.Addresses(token, IpSet.of(range.get()));
        }
        Optional<IpAddress> address = IpAddress.parse(token);
        if (address.isPresent()) {
            return new Alias.Addresses(token, IpSet.of(new IpRange(address.get(), address.get())));
        }
        if (looksLikeAddress(token)) {
            throw new PolicyException(at, path + ": bad IP address or range \"" + token + "\"");
        }
        IpSet host = names.hosts().get(token);
        if (host == null) {
            throw new PolicyException(at, path + ": unknown host \"" + token + "\"; define it in hosts");
        }
        return new Alias.Host(token);
    }

    private static Alias autogroup(String token, SourcePosition at, String path, Role role) throws PolicyException {
        Optional<AutoGroupKind> kind = AutoGroupKind.byPolicyName(token);
        if (kind.isEmpty()) {
            throw new PolicyException(at, path + ": unknown or unsupported autogroup \"" + token + "\"");
        }
        boolean destinationOnly = kind.get() == AutoGroupKind.SELF || kind.get() == AutoGroupKind.INTERNET;
        if (destinationOnly && role != Role.DESTINATION) {
            throw new PolicyException(at, path + ": " + token + " can only be used as a destination");
        }
        return new Alias.AutoGroup(kind.get());
    }

    /** Digits and dots only, or hex and colons: meant as an address even if malformed. */
    private static boolean looksLikeAddress(String token) {
        boolean v4ish = token.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == '-');
        return v4ish || token.contains(":");
    }

    /**
     * Reads a dst entry {@code target:ports}. The port list follows the last colon, so IPv6
     * targets work written plainly ({@code fd00::/64:443}) or in brackets ({@code [fd00::1]:443}).
     */
    static AclDestination parseDestination(String token, SourcePosition at, String path, PolicyParser.Names names)
            throws PolicyException {
        String target;
        String ports;
        if (token.startsWith("[")) {
            int close = token.indexOf(']');
            if (close < 0 || close + 1 >= token.length() || token.charAt(close + 1) != ':') {
                throw new PolicyException(at, path + ": \"" + token + "\" must be written [address]:ports");
            }
            target = token.substring(1, close);
            ports = token.substring(close + 2);
        } else {
            int colon = token.lastIndexOf(':');
            if (colon < 0) {
                throw new PolicyException(at, path + ": \"" + token + "\" has no port; write \"" + token + ":*\" or a port list");
            }
            target = token.substring(0, colon);
            ports = token.substring(colon + 1);
            if (!ports.isEmpty() && !ports.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '*' || c == ',' || c == '-')) {
                throw new PolicyException(at, path + ": \"" + token + "\" has no port; write \"" + token + ":*\" or a port list");
            }
        }
        List<PortRange> portRanges = ports(ports, token, at, path);
        Alias alias = parse(target, at, path, Role.DESTINATION, names);
        return new AclDestination(alias, portRanges);
    }

    static List<PortRange> ports(String text, String token, SourcePosition at, String path) throws PolicyException {
        if (text.equals("*")) {
            return List.of(PortRange.ALL);
        }
        List<PortRange> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int dash = part.indexOf('-');
            int first = port(dash < 0 ? part : part.substring(0, dash), token, at, path);
            int last = dash < 0 ? first : port(part.substring(dash + 1), token, at, path);
            if (first > last) {
                throw new PolicyException(at, path + ": bad port range \"" + part + "\" in \"" + token + "\": " + first + " is after " + last);
            }
            out.add(new PortRange(first, last));
        }
        return out;
    }

    private static int port(String text, String token, SourcePosition at, String path) throws PolicyException {
        boolean digits = !text.isEmpty() && text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || Integer.parseInt(text) > PortRange.MAX_PORT) {
            throw new PolicyException(at, path + ": bad port range \"" + text + "\" in \"" + token + "\": ports are * or 0-65535");
        }
        return Integer.parseInt(text);
    }
}
