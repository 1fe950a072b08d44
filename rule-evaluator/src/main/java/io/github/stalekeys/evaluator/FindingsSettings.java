package io.github.stalekeys.evaluator;

import java.util.Objects;
import java.util.function.Function;

/**
 * Whether the rule imports one Security Hub finding per key, and the runbooks those findings name; read once from
 * the function's environment.
 *
 * @param enabled            {@value #ENABLED_VARIABLE} is {@code Enabled}
 * @param runbookName        the deployed remediation runbook ({@value #RUNBOOK_VARIABLE})
 * @param backoutRunbookName the deployed backout runbook ({@value #BACKOUT_RUNBOOK_VARIABLE})
 */
record FindingsSettings(boolean enabled, String runbookName, String backoutRunbookName) {

    static final String ENABLED_VARIABLE = "SECURITY_HUB_FINDINGS";
    static final String RUNBOOK_VARIABLE = "REMEDIATION_RUNBOOK_NAME";
    static final String BACKOUT_RUNBOOK_VARIABLE = "BACKOUT_RUNBOOK_NAME";
    static final FindingsSettings DISABLED = new FindingsSettings(false, "", "");

    FindingsSettings {
        Objects.requireNonNull(runbookName, "runbookName");
        Objects.requireNonNull(backoutRunbookName, "backoutRunbookName");
    }

    /** From the environment: absent means {@code Disabled}; anything but Enabled/Disabled is an error naming it. */
    static FindingsSettings from(Function<String, String> environment) {
        String value = environment.apply(ENABLED_VARIABLE);
        if (value == null || value.isBlank() || value.strip().equals("Disabled")) {
            return DISABLED;
        }
        if (!value.strip().equals("Enabled")) {
            throw new IllegalStateException(ENABLED_VARIABLE + " must be Enabled or Disabled, got '"
                    + value.strip()
                            .replaceAll("[^\\w.-]", "?")
                            .substring(0, Math.min(value.strip().length(), 40))
                    + "'");
        }
        return new FindingsSettings(
                true, required(environment, RUNBOOK_VARIABLE), required(environment, BACKOUT_RUNBOOK_VARIABLE));
    }

    private static String required(Function<String, String> environment, String name) {
        String value = environment.apply(name);
        if (value == null || !value.strip().matches("[A-Za-z0-9_.-]{3,128}")) {
            throw new IllegalStateException(name + " must name the deployed runbook (3..128 of A-Z a-z 0-9 _ . -)"
                    + " when " + ENABLED_VARIABLE + " is Enabled");
        }
        return value.strip();
    }
}
