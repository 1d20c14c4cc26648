package dev.tsj.it;

import static dev.tsj.crypto.WireGuardSpec.MESSAGE_COOKIE_REPLY_SIZE;
import static dev.tsj.crypto.WireGuardSpec.MESSAGE_COOKIE_REPLY_TYPE;
import static dev.tsj.crypto.WireGuardSpec.MESSAGE_INITIATION_SIZE;
import static dev.tsj.crypto.WireGuardSpec.MESSAGE_INITIATION_TYPE;
import static dev.tsj.crypto.WireGuardSpec.MESSAGE_RESPONSE_SIZE;
import static dev.tsj.crypto.WireGuardSpec.MESSAGE_RESPONSE_TYPE;
import static dev.tsj.crypto.WireGuardSpec.MESSAGE_TRANSPORT_MIN_SIZE;
import static dev.tsj.crypto.WireGuardSpec.MESSAGE_TRANSPORT_TYPE;
import static dev.tsj.crypto.WireGuardSpec.OFFSET_TRANSPORT_COUNTER;

import dev.tsj.crypto.CookieGenerator;
import dev.tsj.crypto.Handshake;
import dev.tsj.crypto.PresharedKey;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.crypto.StaticIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * A hostile UDP sender for the robustness test, run inside a namespace:
 * {@code DatagramFuzzer HOST PORT RESPONDER_PUBLIC_KEY SECONDS PACKETS_PER_SECOND SEED [PCAP]}.
 * It cycles through malformed and well-formed-but-wrong datagrams of every WireGuard message
 * type, and replays and mangles real messages from a capture, for a bounded time at a
 * bounded rate; then prints how many of each kind it sent. A conforming receiver drops all
 * of them without answering anything but, under load, cookie replies.
 */
final class DatagramFuzzer {
    /** One kind of hostile datagram. */
    enum Kind {
        EMPTY, JUNK, WRONG_RESERVED_BYTES,
        INITIATION_RANDOM, INITIATION_TRUNCATED, INITIATION_OVERLONG, INITIATION_GARBAGE_WITH_VALID_MAC1, INITIATION_FROM_UNKNOWN_KEY,
        RESPONSE_RANDOM, RESPONSE_TRUNCATED, RESPONSE_GARBAGE_WITH_VALID_MAC1,
        COOKIE_REPLY_RANDOM, COOKIE_REPLY_TRUNCATED, COOKIE_REPLY_OVERLONG,
        TRANSPORT_RANDOM, TRANSPORT_TRUNCATED,
        CAPTURED_REPLAYED, CAPTURED_BIT_FLIPPED, CAPTURED_TRUNCATED, CAPTURED_COUNTER_JUMPED
    }

    /** A valid initiation costs the receiver two X25519 operations; send one per this many datagrams. */
    private static final int UNKNOWN_KEY_EVERY = 40;

    private final Random random;
    private final PublicKey responder;
    private final CookieGenerator macs;
    private final List<byte[]> captured;
    private final Map<Kind, Long> sent = new EnumMap<>(Kind.class);

    DatagramFuzzer(PublicKey responder, long seed, List<byte[]> captured) {
        this.random = new Random(seed);
        this.responder = responder;
        this.macs = new CookieGenerator(responder);
        this.captured = captured;
    }

    /** The command that runs the fuzzer in a fresh JVM: this class's directory plus the tsj jar (and its lib/). */
    static List<String> commandLine(String host, int port, String responderPublicKey, int seconds, int rate, long seed, Path pcap) {
        String classes;
        try {
            classes = Path.of(DatagramFuzzer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", classes + java.io.File.pathSeparator + TsjJar.path(), DatagramFuzzer.class.getName(),
                host, Integer.toString(port), responderPublicKey, Integer.toString(seconds), Integer.toString(rate),
                Long.toString(seed), pcap.toString());
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 6) {
            System.err.println("usage: DatagramFuzzer HOST PORT RESPONDER_PUBLIC_KEY SECONDS PACKETS_PER_SECOND SEED [PCAP]");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        PublicKey responder = PublicKey.fromBase64(args[2]);
        long seconds = Long.parseLong(args[3]);
        int rate = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        List<byte[]> captured = args.length > 6 ? PcapReader.udpPayloads(Path.of(args[6])) : List.of();
        DatagramFuzzer f = new DatagramFuzzer(responder, seed, captured);
        System.out.println("fuzzing " + target + " for " + seconds + " s at " + rate + " datagrams/s, seed " + seed
                + ", " + captured.size() + " captured messages");
        System.out.flush();
        f.run(target, seconds * 1_000_000_000L, rate);
        System.out.println("fuzz sent " + f.sent.values().stream().mapToLong(Long::longValue).sum() + ": " + f.sent);
    }

    void run(InetSocketAddress target, long durationNanos, int rate) throws IOException {
        Kind[] kinds = Arrays.stream(Kind.values())
                .filter(k -> !captured.isEmpty() || !k.name().startsWith("CAPTURED_"))
                .filter(k -> k != Kind.INITIATION_FROM_UNKNOWN_KEY)
                .toArray(Kind[]::new);
        long interval = 1_000_000_000L / rate;
        try (DatagramChannel ch = DatagramChannel.open()) {
            long start = System.nanoTime();
            long next = start;
            for (long i = 0; System.nanoTime() - start < durationNanos; i++) {
                Kind k = i % UNKNOWN_KEY_EVERY == 0 ? Kind.INITIATION_FROM_UNKNOWN_KEY : kinds[(int) (i % kinds.length)];
                ch.send(ByteBuffer.wrap(make(k)), target);
                sent.merge(k, 1L, Long::sum);
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    byte[] make(Kind k) {
        return switch (k) {
            case EMPTY -> new byte[0];
            case JUNK -> randomBytes(random.nextInt(1, 1500));
            case WRONG_RESERVED_BYTES -> {
                byte[] m = typed(1 + random.nextInt(4), MESSAGE_INITIATION_SIZE);
                m[1 + random.nextInt(3)] = (byte) (1 + random.nextInt(255));
                yield m;
            }
            case INITIATION_RANDOM -> typed(MESSAGE_INITIATION_TYPE, MESSAGE_INITIATION_SIZE);
            case INITIATION_TRUNCATED -> typed(MESSAGE_INITIATION_TYPE, random.nextInt(4, MESSAGE_INITIATION_SIZE));
            case INITIATION_OVERLONG -> typed(MESSAGE_INITIATION_TYPE, MESSAGE_INITIATION_SIZE + random.nextInt(1, 64));
            case INITIATION_GARBAGE_WITH_VALID_MAC1 -> withMacs(typed(MESSAGE_INITIATION_TYPE, MESSAGE_INITIATION_SIZE));
            case INITIATION_FROM_UNKNOWN_KEY -> withMacs(new Handshake(new StaticIdentity(PrivateKey.generate()), responder, PresharedKey.zero())
                    .createInitiation(random.nextInt(), Instant.now()));
            case RESPONSE_RANDOM -> typed(MESSAGE_RESPONSE_TYPE, MESSAGE_RESPONSE_SIZE);
            case RESPONSE_TRUNCATED -> typed(MESSAGE_RESPONSE_TYPE, random.nextInt(4, MESSAGE_RESPONSE_SIZE));
            case RESPONSE_GARBAGE_WITH_VALID_MAC1 -> withMacs(typed(MESSAGE_RESPONSE_TYPE, MESSAGE_RESPONSE_SIZE));
            case COOKIE_REPLY_RANDOM -> typed(MESSAGE_COOKIE_REPLY_TYPE, MESSAGE_COOKIE_REPLY_SIZE);
            case COOKIE_REPLY_TRUNCATED -> typed(MESSAGE_COOKIE_REPLY_TYPE, random.nextInt(4, MESSAGE_COOKIE_REPLY_SIZE));
            case COOKIE_REPLY_OVERLONG -> typed(MESSAGE_COOKIE_REPLY_TYPE, MESSAGE_COOKIE_REPLY_SIZE + random.nextInt(1, 64));
            case TRANSPORT_RANDOM -> typed(MESSAGE_TRANSPORT_TYPE, random.nextInt(MESSAGE_TRANSPORT_MIN_SIZE, 1500));
            case TRANSPORT_TRUNCATED -> typed(MESSAGE_TRANSPORT_TYPE, random.nextInt(4, MESSAGE_TRANSPORT_MIN_SIZE));
            case CAPTURED_REPLAYED -> pickCaptured();
            case CAPTURED_BIT_FLIPPED -> {
                byte[] m = pickCaptured();
                int at = random.nextInt(4, m.length); // past the type, so it stays the same kind of message
                m[at] ^= (byte) (1 << random.nextInt(8));
                yield m;
            }
            case CAPTURED_TRUNCATED -> {
                byte[] m = pickCaptured();
                yield Arrays.copyOf(m, random.nextInt(0, m.length));
            }
            case CAPTURED_COUNTER_JUMPED -> {
                byte[] m = pickCaptured();
                if (m[0] == MESSAGE_TRANSPORT_TYPE && m.length >= MESSAGE_TRANSPORT_MIN_SIZE) {
                    // A forged counter far ahead: it must fail authentication and never move the replay window.
                    ByteBuffer.wrap(m, OFFSET_TRANSPORT_COUNTER, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(random.nextLong() >>> 1);
                }
                yield m;
            }
        };
    }

    private byte[] pickCaptured() {
        return captured.get(random.nextInt(captured.size())).clone();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Random content under a well-formed type field (the type byte and three zero bytes). */
    private byte[] typed(int type, int length) {
        byte[] m = randomBytes(length);
        m[0] = (byte) type;
        if (length >= 4) {
            m[1] = 0;
            m[2] = 0;
            m[3] = 0;
        }
        return m;
    }

    /** Valid mac1 for the responder, so the message passes the cheap check and reaches the costly path. */
    private byte[] withMacs(byte[] m) {
        macs.addMacs(m, System.nanoTime());
        return m;
    }
}
