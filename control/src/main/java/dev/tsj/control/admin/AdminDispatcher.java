package dev.tsj.control.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.core.ControlError;
import dev.tsj.control.core.Core;
import java.time.Duration;
import java.util.List;

/** Runs one admin request on the core thread and returns its result object. */
public final class AdminDispatcher {
    private final Core core;
    private final java.util.function.Supplier<dev.tsj.control.relay.RelayStats> relayStats;

    public AdminDispatcher(Core core) {
        this(core, null);
    }

    /** @param relayStats the embedded relay's counters; null when no relay runs here */
    public AdminDispatcher(Core core, java.util.function.Supplier<dev.tsj.control.relay.RelayStats> relayStats) {
        this.core = core;
        this.relayStats = relayStats;
    }

    public Object dispatch(JsonNode request) throws ControlError {
        if (request == null || !request.isObject()) {
            throw ControlError.badRequest("request must be a JSON object");
        }
        AdminArgs a = new AdminArgs(request);
        String op = a.string("op");
        return switch (op) {
            case AdminOps.USERS_CREATE -> {
                String name = a.string("name");
                yield core.call((t, ad) -> ad.createUser(name));
            }
            case AdminOps.USERS_LIST -> core.call((t, ad) -> ad.listUsers());
            case AdminOps.USERS_DELETE -> {
                String name = a.string("name");
                core.call((t, ad) -> {
                    ad.deleteUser(name);
                    return null;
                });
                yield java.util.Map.of("deleted", name);
            }
            case AdminOps.AUTHKEYS_CREATE -> {
                String user = a.string("user");
                boolean reusable = a.bool("reusable");
                boolean ephemeral = a.bool("ephemeral");
                boolean preauth = a.bool("preauthorized");
                Duration exp = a.seconds("expirationSeconds");
                List<String> tags = a.strings("tags", false);
                yield core.call((t, ad) -> ad.createAuthKey(user, reusable, ephemeral, preauth, exp, tags));
            }
            case AdminOps.AUTHKEYS_LIST -> core.call((t, ad) -> ad.listAuthKeys());
            case AdminOps.AUTHKEYS_EXPIRE -> {
                String id = a.string("id");
                yield core.call((t, ad) -> ad.expireAuthKey(id));
            }
            case AdminOps.NODES_LIST -> core.call((t, ad) -> ad.listNodes());
            case AdminOps.NODES_DELETE -> {
                String node = a.string("node");
                yield core.call((t, ad) -> ad.deleteNode(node));
            }
            case AdminOps.NODES_EXPIRE -> {
                String node = a.string("node");
                yield core.call((t, ad) -> ad.expireNode(node));
            }
            case AdminOps.NODES_RENAME -> {
                String node = a.string("node");
                String name = a.string("name");
                yield core.call((t, ad) -> ad.renameNode(node, name));
            }
            case AdminOps.ROUTES_LIST -> core.call((t, ad) -> ad.listRoutes());
            case AdminOps.ROUTES_APPROVE, AdminOps.ROUTES_UNAPPROVE -> {
                String node = a.string("node");
                List<String> routes = a.strings("routes", true);
                boolean approve = op.equals(AdminOps.ROUTES_APPROVE);
                yield core.call((t, ad) -> ad.setApproved(node, routes, approve));
            }
            case AdminOps.POLICY_GET -> core.call((t, ad) -> ad.policy());
            case AdminOps.POLICY_SET -> {
                String text = a.string("text");
                yield core.call((t, ad) -> ad.setPolicy(text));
            }
            case AdminOps.STATS -> core.call((t, ad) -> ad.stats());
            case AdminOps.RELAY_STATS -> {
                if (relayStats == null) {
                    throw ControlError.badRequest("this control server runs no relay (and no STUN)");
                }
                yield relayStats.get();
            }
            default -> throw ControlError.badRequest("unknown operation \"" + op + "\"");
        };
    }
}
