package dev.tsj.control.admin;

/** The operation names of the admin protocol (the {@code op} field of a request). */
public final class AdminOps {
    private AdminOps() {}

    public static final String USERS_CREATE = "users.create";
    public static final String USERS_LIST = "users.list";
    public static final String USERS_DELETE = "users.delete";
    public static final String AUTHKEYS_CREATE = "authkeys.create";
    public static final String AUTHKEYS_LIST = "authkeys.list";
    public static final String AUTHKEYS_EXPIRE = "authkeys.expire";
    public static final String NODES_LIST = "nodes.list";
    public static final String NODES_DELETE = "nodes.delete";
    public static final String NODES_EXPIRE = "nodes.expire";
    public static final String NODES_RENAME = "nodes.rename";
    public static final String ROUTES_LIST = "routes.list";
    public static final String ROUTES_APPROVE = "routes.approve";
    public static final String ROUTES_UNAPPROVE = "routes.unapprove";
    public static final String POLICY_GET = "policy.get";
    public static final String POLICY_SET = "policy.set";
    public static final String STATS = "stats";
    public static final String RELAY_STATS = "relay.stats";

    /** The largest request line the server reads: room for a 1 MiB policy, escaped. */
    public static final int MAX_REQUEST = 4 << 20;
}
