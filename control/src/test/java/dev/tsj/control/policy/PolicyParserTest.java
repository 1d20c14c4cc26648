package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

    private static final String PREAMBLE = """
            {
              "groups": {"group:ops": ["alice@example.com"]},
              "hosts": {"lan": "192.168.1.0/24", "box": "100.64.0.9"},
              "tagOwners": {"tag:web": ["group:ops"], "tag:db": ["tag:web"]},
            """;

    @Test
    void readsEveryPart() throws PolicyException {
        Policy p = PolicyParser.parse(PREAMBLE + """
                  "ACLs": [
                    {"action": "accept", "src": ["group:ops", "lan", "10.0.0.0/8", "100.64.0.1-100.64.0.9"],
                     "dst": ["tag:web:80,443", "box:1000-2000", "[fd7a:115c:a1e0::1]:22", "fd00::/64:*", "autogroup:internet:*"]},
                    {"action": "accept", "src": ["*"], "proto": "udp", "dst": ["tag:db:53"]},
                    {"action": "accept", "users": ["alice@example.com"], "ports": ["autogroup:self:*"]},
                  ],
                  "autoApprovers": {"routes": {"10.0.0.0/8": ["tag:web"]}, "exitNode": ["group:ops"]},
                  "ssh": [],
                }
                """);
        assertEquals(3, p.acls().size());
        AclRule first = p.acls().getFirst();
        assertEquals(List.of(new Alias.Group("group:ops"), new Alias.Host("lan")), first.sources().subList(0, 2));
        assertEquals(List.of(new PortRange(80, 80), new PortRange(443, 443)), first.destinations().getFirst().ports());
        assertEquals(new PortRange(1000, 2000), first.destinations().get(1).ports().getFirst());
        Alias.Addresses v6 = assertInstanceOf(Alias.Addresses.class, first.destinations().get(2).target());
        assertEquals("fd7a:115c:a1e0::1", v6.addresses().toString());
        assertEquals("fd00::/64", first.destinations().get(3).target().text());
        assertEquals(List.of(17), p.acls().get(1).protocols());
        assertEquals(new Alias.AutoGroup(AutoGroupKind.SELF), p.acls().get(2).destinations().getFirst().target());
        assertEquals(List.of(new Alias.Group("group:ops")), p.autoApprovers().exitNode());
    }

    @Test
    void syntaxError() {
        assertEquals("policy: line 6, column 3: expected ',' or '}' after the value of \"acls\", found '\"'",
                error(PREAMBLE + "  \"acls\": []\n  \"x\": 1}"));
    }

    @Test
    void unknownGroup() {
        assertEquals("policy: line 5, column 41: acls[0].src: unknown group \"group:nope\"; define it in groups",
                error(acl("\"src\": [\"group:nope\"], \"dst\": [\"*:*\"]")));
    }

    @Test
    void tagWithoutOwner() {
        assertEquals("policy: line 5, column 55: acls[0].dst: tag \"tag:nonexistent\" has no owner in tagOwners",
                error(acl("\"src\": [\"*\"], \"dst\": [\"tag:nonexistent:22\"]")));
    }

    @Test
    void badCidr() {
        assertEquals("policy: line 5, column 41: acls[0].src: bad CIDR \"10.0.0.0/33\"",
                error(acl("\"src\": [\"10.0.0.0/33\"], \"dst\": [\"*:*\"]")));
        assertEquals("policy: line 1, column 19: hosts.lan: bad CIDR or IP address \"192.168.1.300\"",
                error("{\"hosts\": {\"lan\": \"192.168.1.300\"}}"));
    }

    @Test
    void badPortRange() {
        assertEquals("policy: line 5, column 55: acls[0].dst: bad port range \"443-80\" in \"tag:web:443-80\": 443 is after 80",
                error(acl("\"src\": [\"*\"], \"dst\": [\"tag:web:443-80\"]")));
        assertEquals("policy: line 5, column 55: acls[0].dst: bad port range \"70000\" in \"tag:web:70000\": ports are * or 0-65535",
                error(acl("\"src\": [\"*\"], \"dst\": [\"tag:web:70000\"]")));
    }

    @Test
    void unknownHost() {
        assertEquals("policy: line 5, column 41: acls[0].src: unknown host \"printer\"; define it in hosts",
                error(acl("\"src\": [\"printer\"], \"dst\": [\"*:*\"]")));
    }

    @Test
    void whatTailscaleRejectsInTheCaptures() {
        assertEquals("policy: line 5, column 16: acls[0].action: \"deny\" is not a valid action; the only action is \"accept\"",
                error("""
                        {
                          "tagOwners": {"tag:web": ["alice@example.com"]},
                          "hosts": {},
                          "acls": [
                            {"action": "deny", "src": ["*"], "dst": ["*:*"]}]}
                        """));
        assertEquals("policy: line 5, column 41: acls[0].src: autogroup:self can only be used as a destination",
                error(acl("\"src\": [\"autogroup:self\"], \"dst\": [\"tag:web:22\"]")));
        assertEquals("policy: line 5, column 55: acls[0].dst: \"autogroup:self\" has no port; write \"autogroup:self:*\" or a port list",
                error(acl("\"src\": [\"*\"], \"dst\": [\"autogroup:self\"]")));
        assertEquals("policy: line 5, column 41: acls[0].src: \"tag:web\" cannot reach autogroup:self; only users, groups, autogroup:member and \"*\" can",
                error(acl("\"src\": [\"tag:web\"], \"dst\": [\"autogroup:self:22\"]")));
        assertEquals("policy: line 5, column 41: acls[0].src: \"box\" cannot reach autogroup:self; only users, groups, autogroup:member and \"*\" can",
                error(acl("\"src\": [\"box\"], \"dst\": [\"autogroup:self:*\"]")));
    }

    @Test
    void otherRefusals() {
        assertEquals("policy: line 5, column 72: acls[0].proto: unknown protocol \"tcpp\"",
                error(acl("\"src\": [\"*\"], \"dst\": [\"*:*\"], \"proto\": \"tcpp\"")));
        assertEquals("policy: line 5, column 55: acls[0].dst: \"tag:web:22\" names ports, but the rule's protocol has none; use \"*\" as the port",
                error(acl("\"src\": [\"*\"], \"dst\": [\"tag:web:22\"], \"proto\": \"icmp\"")));
        assertEquals("policy: line 1, column 2: section \"grants\" is not supported by tsj yet", error("{\"grants\": []}"));
        assertEquals("policy: line 1, column 2: unknown section \"acl\"", error("{\"acl\": []}"));
        assertEquals("policy: line 1, column 25: groups.group:a: a group cannot contain another group (\"group:b\")",
                error("{\"groups\": {\"group:a\": [\"group:b\"]}}"));
        assertEquals("policy: line 1, column 1: the policy must be an object, found an array", error("[]"));
        assertEquals("policy: line 1, column 31: autoApprovers.routes: bad CIDR \"10.0.0.0/40\"",
                error("{\"autoApprovers\": {\"routes\": {\"10.0.0.0/40\": []}}}"));
    }

    private static String acl(String fields) {
        return PREAMBLE + "  \"acls\": [{\"action\": \"accept\", " + fields + "}]}";
    }

    private static String error(String text) {
        return assertThrows(PolicyException.class, () -> PolicyParser.parse(text)).getMessage();
    }
}
