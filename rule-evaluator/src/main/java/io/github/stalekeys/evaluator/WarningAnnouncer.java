package io.github.stalekeys.evaluator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.events.KeyEvent;
import io.github.stalekeys.events.KeyEventBus;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.Compliance;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyOwner;
import io.github.stalekeys.policy.KeyWarning;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UsageSite;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Announces the warning stages a periodic run finds reached since each user's last recorded result ({@link
 * WarningWindow}): one {@value KeyEvent#WARNING} event per key and stage on the default event bus. Only users the
 * rule judges (not {@code NOT_APPLICABLE}) are warned; tags are read only for users with a warning due (and only
 * when an owner or exemption tag is configured), to leave out those exempt by tag and to name the owner.
 *
 * <p>Runs before the evaluations are posted, and the users it decided on (warned, or spared as exempt) are posted
 * with them whether or not their result changed: the next run then compares with this one. If publishing fails the
 * invocation fails before anything is recorded, and Lambda's retry announces the same warnings (same {@code
 * announcementId}) and records them; nothing is lost, and a repeat can be dropped by that id.
 */
final class WarningAnnouncer {

    private final KeyEventBus bus;
    private final StructuredLogger log;

    WarningAnnouncer(KeyEventBus bus, StructuredLogger log) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * What was announced.
     *
     * @param warnings how many warnings were due (published, or only logged in test mode)
     * @param decided  the users whose warnings were decided this run (announced or withheld as exempt): recorded
     *                 again, so that the next run does not decide them again
     */
    record Outcome(int warnings, Set<String> decided) {

        Outcome {
            decided = Set.copyOf(decided);
        }
    }

    /** The run's facts every warning repeats. */
    record Run(String accountId, String ruleName, WarningWindow window, WarningSettings settings, boolean testMode) {}

    /**
     * Publishes the warnings due; in test mode (a {@code TESTMODE} result token) only logs how many there would
     * be, as nothing a test invocation does may reach key owners.
     *
     * @return the warnings due and the users decided
     */
    Outcome announce(
            List<UserAssessment> assessments,
            StaleKeyPolicy policy,
            Function<IamUser, Map<String, String>> tags,
            Run run) {
        List<KeyEvent> events = new ArrayList<>();
        Set<String> decided = new HashSet<>();
        boolean tagsNeeded =
                run.settings().ownerTagKey().isPresent() || policy.exemptions().usesTag();
        for (UserAssessment assessment : assessments) {
            if (assessment.verdict().compliance() == Compliance.NOT_APPLICABLE) {
                continue;
            }
            List<AccessKeyActivity> identified = assessment.keys().stream()
                    .filter(key -> !key.accessKeyId().isEmpty())
                    .toList();
            IamUser user = assessment.verdict().user();
            List<KeyWarning> due = policy.warningsReached(
                    identified, run.window().since(user.userId()), run.window().runAt());
            if (due.isEmpty()) {
                continue;
            }
            decided.add(user.userId());
            Map<String, String> userTags = tagsNeeded ? tags.apply(user) : Map.of();
            Optional<String> exempt =
                    policy.exemptions().byTags(userTags, run.window().runAt()).exemptReason();
            if (exempt.isPresent()) {
                log.info(
                        "warning not sent: user exempt by tag",
                        "configRuleName",
                        run.ruleName(),
                        "userName",
                        user.userName(),
                        "reason",
                        exempt.get());
                continue;
            }
            KeyOwner owner = KeyOwner.of(run.settings().ownerTagKey(), userTags);
            for (KeyWarning warning : due) {
                events.add(event(user, warning, owner, run));
                log.info(
                        run.testMode() ? "test mode: warning not published" : "access key warning",
                        "configRuleName",
                        run.ruleName(),
                        "userName",
                        user.userName(),
                        "userId",
                        user.userId(),
                        "accessKeyId",
                        warning.key().accessKeyId(),
                        "daysBefore",
                        warning.daysBefore(),
                        "nonCompliantOn",
                        warning.nonCompliantOn().toString());
            }
        }
        if (!run.testMode() && !events.isEmpty()) {
            bus.publish(events);
        }
        return new Outcome(events.size(), decided);
    }

    private static KeyEvent event(IamUser user, KeyWarning warning, KeyOwner owner, Run run) {
        AccessKeyActivity key = warning.key();
        ObjectNode detail = KeyEvent.detail(key.accessKeyId(), user.userName());
        detail.put("accountId", run.accountId());
        detail.put("userId", user.userId());
        detail.put("configRuleName", run.ruleName());
        detail.put("createDate", key.createDate().toString());
        detail.put("lastUsed", key.lastUsed().map(Object::toString).orElse(null));
        detail.put("lastUsedService", key.lastUsedAt().map(UsageSite::service).orElse(null));
        detail.put("lastUsedRegion", key.lastUsedAt().flatMap(UsageSite::region).orElse(null));
        detail.put("neverUsed", key.neverUsed());
        detail.put("nonCompliantOn", warning.nonCompliantOn().toString());
        detail.put("daysBefore", warning.daysBefore());
        detail.put("limitDays", warning.limit().days());
        detail.put("automaticRemediation", run.settings().automaticRemediation());
        detail.put("ownerTagKey", owner.tagKey().orElse(null));
        detail.put("owner", owner.value().orElse(null));
        detail.put("ownerStatus", owner.status());
        // The same for every announcement of this stage, so a consumer can drop a repeat (a retried run).
        detail.put("announcementId", key.accessKeyId() + "/" + warning.nonCompliantOn() + "/" + warning.daysBefore());
        String activity = key.neverUsed()
                ? "was created on " + key.createDate().toString().substring(0, 10) + " and never used"
                : "was last used on " + key.lastUsed().get().toString().substring(0, 10)
                        + key.lastUsedAt().map(site -> " (" + site + ")").orElse("");
        detail.put(
                "message",
                "Access key " + key.accessKeyId() + " of IAM user " + user.userName() + " (account "
                        + run.accountId() + ") " + activity + ". It turns non-compliant on "
                        + warning.nonCompliantOn() + " (limit "
                        + warning.limit().days() + " days) unless used"
                        + " before then; "
                        + (run.settings().automaticRemediation()
                                ? "automatic remediation will then disable it."
                                : "an operator may then disable it.")
                        + " " + owner.describe());
        return new KeyEvent(KeyEvent.WARNING, detail);
    }
}
