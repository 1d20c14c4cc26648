package dev.tsj.control.relay;

import dev.tsj.control.http.HttpHead;
import dev.tsj.control.http.HttpReplies;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.crypto.KeyFormatException;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code GET /relay/admit?node=<64 hex digits>} with {@code Authorization: Bearer <secret>}
 * on the control server's front door: a standalone relay's question whether a node key is
 * a current node of this tailnet. Answers {@code {"admit":true}} or {@code {"admit":false}},
 * 401 without the secret (so the answer never tells outsiders which keys exist), 503 when
 * the tailnet cannot answer.
 */
public final class AdmitEndpoint {
    private final AdmitSecret secret;
    private final Admission tailnet;

    public AdmitEndpoint(AdmitSecret secret, Admission tailnet) {
        this.secret = secret;
        this.tailnet = tailnet;
    }

    public void handle(HttpHead head, OutputStream out) throws IOException {
        if (!head.first().equals("GET")) {
            HttpReplies.error(out, 405, "use GET");
            return;
        }
        if (!secret.matches(head.header("authorization"))) {
            HttpReplies.error(out, 401, "relay admit secret required");
            return;
        }
        PublicKey key = nodeParam(head.second());
        if (key == null) {
            HttpReplies.error(out, 400, "query must be ?node=<node key as 64 hex digits>");
            return;
        }
        switch (tailnet.check(key)) {
            case ADMIT -> HttpReplies.send(out, 200, "application/json", "{\"admit\":true}\n");
            case REFUSE -> HttpReplies.send(out, 200, "application/json", "{\"admit\":false}\n");
            case UNAVAILABLE -> HttpReplies.error(out, 503, "tailnet unavailable");
        }
    }

    static PublicKey nodeParam(String target) {
        int q = target.indexOf('?');
        if (q < 0 || !target.substring(0, q).equals(RelayProto.ADMIT_PATH)) {
            return null;
        }
        for (String kv : target.substring(q + 1).split("&")) {
            if (kv.startsWith("node=")) {
                try {
                    return PublicKey.fromHex(kv.substring(5));
                } catch (KeyFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
