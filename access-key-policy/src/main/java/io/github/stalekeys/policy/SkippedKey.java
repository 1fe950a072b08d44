package io.github.stalekeys.policy;

/** A key the remediation looked at and left alone, and why. */
public record SkippedKey(String accessKeyId, String reason) {}
