package dev.tsj.control.admin;

/** Counts and memory of a running server (for operators and the benchmark). */
public record ServerStats(int nodes, int onlineNodes, int sessions, long changeLogHead, long heapUsedBytes,
                          long heapMaxBytes) {}
