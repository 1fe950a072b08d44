package io.github.stalekeys.remediation;

/** A key the remediation looked at and left alone, and why. */
public record SkippedKey(String accessKeyId, String reason) {
}
