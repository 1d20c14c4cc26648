package dev.tsj.daemon.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.util.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * State in one JSON file, mode 0600 in a 0700 directory, written atomically (temp file,
 * fsync, rename). A file that does not parse is an error the operator must look at: it is
 * never overwritten, so a truncated file cannot cost the node its identity silently.
 */
public final class FileStateStore implements StateStore {
    public static final Path DEFAULT = Path.of("/var/lib/tsj/tsjd.state");

    private final Path file;

    public FileStateStore(Path file) {
        this.file = file;
    }

    @Override
    public NodeState load() throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            NodeState s = ApiJson.MAPPER.readValue(data, NodeState.class);
            if (s.machineKey() == null || s.nodeKey() == null) {
                throw new IOException("state file " + file + " lacks its keys; move it away to start as a new node");
            }
            return s;
        } catch (JsonProcessingException e) {
            throw new IOException("state file " + file + " is damaged (" + ApiJson.describe(e)
                    + "); it was left untouched: restore it, or move it away to start as a new node");
        }
    }

    @Override
    public void save(NodeState state) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            SecureFiles.ensurePrivateDir(dir);
        }
        SecureFiles.writeAtomically(file, ApiJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
    }

    @Override
    public String describe() {
        return file.toString();
    }
}
