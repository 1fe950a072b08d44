package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.InvalidEventException;
import io.github.stalekeys.securityhub.AsffFinding;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The run's facts for its findings, from the event (account, rule, partition) and the function's settings. */
final class AsffFindingContext {

    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern PARTITION = Pattern.compile("^arn:(aws[a-z-]{0,20}):config:");

    private AsffFindingContext() {}

    static Optional<AsffFinding.Context> of(
            ConfigRuleEvent event, String region, FindingsSettings settings, Instant now) {
        String account = event.getAccountId();
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            throw new InvalidEventException("accountId is not a 12-digit account id: no findings imported");
        }
        Matcher partition = PARTITION.matcher(event.getConfigRuleArn() == null ? "" : event.getConfigRuleArn());
        return Optional.of(new AsffFinding.Context(
                partition.find() ? partition.group(1) : "aws",
                region,
                account,
                event.getConfigRuleName(),
                settings.runbookName(),
                settings.backoutRunbookName(),
                now));
    }
}
