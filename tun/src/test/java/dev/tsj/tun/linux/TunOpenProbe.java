package dev.tsj.tun.linux;

/**
 * Run in a child JVM with fewer privileges than the test: tries to open a TUN and prints one
 * line, {@code OPENED name}, {@code UNAVAILABLE message} or {@code OTHER exception}.
 */
public final class TunOpenProbe {
    private TunOpenProbe() {}

    public static void main(String[] args) {
        try (LinuxTun tun = LinuxTun.open(args[0], 1420, true)) {
            System.out.println("OPENED " + tun.name());
        } catch (TunUnavailableException e) {
            System.out.println("UNAVAILABLE " + e.getMessage());
        } catch (Exception e) {
            System.out.println("OTHER " + e);
        }
    }
}
