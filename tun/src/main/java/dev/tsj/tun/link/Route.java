package dev.tsj.tun.link;

/**
 * A route of {@code destination} through {@code device}, in routing table {@code table}
 * ({@link #MAIN_TABLE} is the table the kernel uses without policy rules).
 */
public record Route(IpPrefix destination, String device, int table) {
    public static final int MAIN_TABLE = 254;

    public Route {
        destination = destination.network();
        if (table < 1) throw new IllegalArgumentException("routing table " + table + " is out of range");
    }

    public static Route main(IpPrefix destination, String device) {
        return new Route(destination, device, MAIN_TABLE);
    }

    @Override
    public String toString() {
        return destination + " dev " + device + (table == MAIN_TABLE ? "" : " table " + table);
    }
}
