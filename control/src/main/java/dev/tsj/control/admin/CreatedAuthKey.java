package dev.tsj.control.admin;

/** A new auth key: the only time its full text is shown. */
public record CreatedAuthKey(String key, AuthKeyInfo info) {}
