package dev.tsj.control.api;

import dev.tsj.crypto.PublicKey;

/** Logs the node out: its node key expires now and it leaves every peer's map. */
public record LogoutRequest(PublicKey nodeKey) implements Message {}
