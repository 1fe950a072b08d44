package io.github.stalekeys.remediation;

/**
 * The deployed rule's settings could not be read (the rule is missing, the read was denied or failed, or its
 * parameters are unreadable): the remediation stops before any change, since without them it cannot tell the
 * floor of the threshold nor whom the deployment exempts.
 */
final class RuleSettingsUnavailableException extends RuntimeException {

    RuleSettingsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
