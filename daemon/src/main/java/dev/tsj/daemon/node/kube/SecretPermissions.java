package dev.tsj.daemon.node.kube;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * What the pod's service account may do with its state Secret, asked once at start with
 * SelfSubjectAccessReviews (one per verb, as Tailscale's containerboot does), so that a
 * Role that lacks a verb stops the node with a line naming it rather than a 403 at its
 * first write hours later. A cluster that cannot answer the reviews is trusted, with a
 * warning: the requests themselves then say what is refused. An API server that cannot be
 * reached, or refuses our token, is an error at once.
 *
 * @param patch  writes are JSON patches when allowed, else read-modify-write updates
 * @param create needed only while the Secret does not exist
 */
record SecretPermissions(boolean get, boolean update, boolean patch, boolean create) {
    private static final Logger LOG = Logger.getLogger(SecretPermissions.class.getName());

    static final SecretPermissions ALL = new SecretPermissions(true, true, true, true);

    static SecretPermissions ask(SecretsApi api, String name) throws IOException {
        try {
            return new SecretPermissions(api.allowed("get", name), api.allowed("update", name),
                    api.allowed("patch", name), api.allowed("create", name));
        } catch (KubeApiException e) {
            if (e.code() == 401) {
                throw new IOException("the API server rejected the service account token even after reading it again: "
                        + e.getMessage());
            }
            LOG.warning("cannot check the service account's permissions on secret " + name + " ("
                    + e.getMessage() + "); going ahead");
            return ALL;
        }
    }

    /** The verbs missing for a Secret that exists (or not), in the order a user grants them. */
    List<String> missing(boolean secretExists) {
        List<String> out = new ArrayList<>();
        if (!get) {
            out.add("get");
        }
        if (!update && !patch) {
            out.add("patch");
        }
        if (!secretExists && !create) {
            out.add("create");
        }
        return out;
    }

    /** One line naming what to add to the Role. */
    static String message(String who, String namespace, String name, List<String> verbs) {
        String list = String.join("\", \"", verbs);
        return "the service account " + (who == null ? "of this pod" : "\"" + who + "\"") + " lacks \"" + list
                + "\" on secret " + namespace + "/" + name + (verbs.contains("create") ? " (create is checked on the namespace's secrets)" : "")
                + ": add " + (verbs.size() == 1 ? "it" : "them") + " to its Role (see deploy/kubernetes/rbac.yaml)";
    }
}
