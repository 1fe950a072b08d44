package io.github.stalekeys.evaluator;

import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamIdentifiers;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.ruleparameters.RuleParameterDocument;
import java.util.Optional;

/**
 * The rule's input parameters, read once from the event's {@code ruleParameters} JSON string.
 *
 * @param maxKeyAge         {@code maxAccessKeyAgeDays}: 1..3650, default 90
 * @param exemptions        {@code exemptUsers} and {@code exemptionTagKey}
 * @param executionRoleName {@code executionRoleName}: the role to assume in the event's account, if any
 */
record RuleParameters(MaxKeyAge maxKeyAge, Exemptions exemptions, Optional<String> executionRoleName) {

    static final String MAX_ACCESS_KEY_AGE_DAYS = RuleParameterDocument.MAX_ACCESS_KEY_AGE_DAYS;
    static final String EXEMPT_USERS = RuleParameterDocument.EXEMPT_USERS;
    static final String EXEMPTION_TAG_KEY = RuleParameterDocument.EXEMPTION_TAG_KEY;
    static final String EXECUTION_ROLE_NAME = RuleParameterDocument.EXECUTION_ROLE_NAME;

    static final RuleParameters DEFAULTS = new RuleParameters(MaxKeyAge.DEFAULT, Exemptions.NONE, Optional.empty());

    /**
     * Parses the parameters; a missing or empty document means the defaults. The remediation reads the threshold
     * and the exemptions through the same {@link RuleParameterDocument}.
     */
    static RuleParameters parse(String json) {
        if (json == null || json.isBlank()) {
            return DEFAULTS;
        }
        RuleParameterDocument document = RuleParameterDocument.parse(json);
        MaxKeyAge maxKeyAge = document.maxKeyAge();
        Exemptions exemptions = document.exemptions();
        Optional<String> roleName = document.text(EXECUTION_ROLE_NAME)
                .filter(name -> !name.isBlank())
                .map(String::strip);
        roleName.filter(name -> !IamIdentifiers.NAME.matcher(name).matches()).ifPresent(name -> {
            throw new InvalidSettingException(EXECUTION_ROLE_NAME, "is not a valid IAM role name: '" + name + "'");
        });
        return new RuleParameters(maxKeyAge, exemptions, roleName);
    }
}
