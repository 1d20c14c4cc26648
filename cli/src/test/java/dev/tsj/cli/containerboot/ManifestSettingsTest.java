package dev.tsj.cli.containerboot;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest in deploy/kubernetes sets only variables containerboot knows, to values
 * it accepts together (checked with the parser the container runs; values that come from
 * a Secret or the downward API get stand-ins).
 */
class ManifestSettingsTest {
    private static final Path DIR = Path.of("../deploy/kubernetes");
    private static final Pattern NAME = Pattern.compile("^\\s*- name: (TSJ_[A-Z0-9_]+)\\s*$");
    private static final Pattern VALUE = Pattern.compile("^\\s*value: \"?([^\"#]*?)\"?\\s*(#.*)?$");

    static Stream<Path> manifests() throws Exception {
        try (Stream<Path> s = Files.list(DIR)) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertFalse(l.isEmpty(), "no manifests in " + DIR.toAbsolutePath());
            return l.stream();
        }
    }

    /** The TSJ_* settings of each tsj container in the file, one map per container. */
    static List<Map<String, String>> settings(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        List<Map<String, String>> out = new java.util.ArrayList<>();
        Map<String, String> cur = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.matches("^\\s*- name: tsj\\s*$")) {
                cur = new LinkedHashMap<>();
                out.add(cur);
            }
            Matcher n = NAME.matcher(l);
            if (n.matches() && cur != null) {
                String next = lines.get(i + 1);
                Matcher v = VALUE.matcher(next);
                String value = v.matches() ? v.group(1).strip() : "stand-in-from-" + next.strip();
                cur.put(n.group(1), value.replace("$(POD_NAME)", "tsj-router-0"));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void theTsjContainersSettingsAreAccepted(Path file) throws Exception {
        String text = Files.readString(file);
        for (Map<String, String> env : settings(file)) {
            for (String name : env.keySet()) {
                assertTrue(BootEnv.ALL.contains(name) || BootEnv.OTHERS.contains(name), file + ": unknown " + name);
            }
            FakeHost pod = new FakeHost();
            pod.pod = true;
            BootConfig c = BootConfig.parse(env, pod);
            assertTrue(c.state() instanceof StateSpec.KubeSecret, file + ": state in a Secret in a pod");
            String secret = ((StateSpec.KubeSecret) c.state()).name();
            assertTrue(aRoleNames(text, secret) || aRoleNames(Files.readString(DIR.resolve("rbac.yaml")), secret),
                    file + ": no Role names the state Secret " + secret);
            if (!c.userspace()) {
                assertTrue(text.contains("NET_ADMIN") && text.contains("/dev/net/tun"), file + ": TUN mode needs NET_ADMIN and the TUN device");
            } else {
                assertTrue(text.contains("runAsNonRoot: true") && text.contains("drop: [\"ALL\"]"), file + ": userspace runs unprivileged");
            }
        }
        if (!settings(file).isEmpty()) {
            assertTrue(text.contains("image: localhost/tsj:" + version()), file + " names another tsj version");
        }
    }

    private static boolean aRoleNames(String yaml, String secret) {
        return yaml.lines().anyMatch(l -> l.contains("resourceNames:") && l.contains("\"" + secret + "\""));
    }

    static String version() throws Exception {
        String pom = Files.readString(Path.of("../pom.xml"));
        Matcher m = Pattern.compile("<artifactId>tsj-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find());
        return m.group(1);
    }
}
