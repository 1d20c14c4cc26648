package dev.tsj.bench.e2e;

import static dev.tsj.bench.e2e.Testbed.*;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Mean round-trip time from namespace A, through the tunnel or over the bare veth. */
final class Ping {
    private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/");
    static final int COUNT = 50;

    private Ping() {}

    /** Mean RTT in microseconds to {@code address}, or NaN when no reply came. */
    static double meanMicros(String address) {
        Sh.Result r = Sh.run("ip", "netns", "exec", NS_A, "ping", "-q", "-c", Integer.toString(COUNT), "-i", "0.01", "-W", "1", address);
        Matcher m = RTT.matcher(r.out());
        return m.find() ? Double.parseDouble(m.group(1)) * 1000 : Double.NaN;
    }
}
