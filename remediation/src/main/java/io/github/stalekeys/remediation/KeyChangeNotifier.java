package io.github.stalekeys.remediation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.events.EventsNotPublishedException;
import io.github.stalekeys.events.KeyEvent;
import io.github.stalekeys.events.KeyEventBus;
import io.github.stalekeys.logging.StructuredLogger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Tells key owners and auditors what the runbooks did, on the account's default event bus: one {@value
 * KeyEvent#DISABLED} event per key disabled (one {@value KeyEvent#DISABLE_DRY_RUN} per key a dry run would
 * disable), one {@value KeyEvent#RESTORED} per key the backout restored (with the end of its grace, or null
 * for none), each with the Automation execution id. A disabled key's notice names the stack's backout runbook
 * and the parameters that restore it, so whoever reads it knows what to run.
 *
 * <p>It is told after the change is done and recorded. A notice that cannot be published does not fail the
 * execution: the keys are changed and recorded already, and a failed execution would make Config retry a
 * remediation that now finds nothing to do. It is logged as an error instead, naming the keys.
 */
final class KeyChangeNotifier {

    private final KeyEventBus bus;
    private final String backoutRunbook;
    private final StructuredLogger log;

    /** @param backoutRunbook the deployed backout runbook's name ({@link DeployedSettings#backoutRunbookName()}) */
    KeyChangeNotifier(KeyEventBus bus, String backoutRunbook, StructuredLogger log) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.backoutRunbook = Objects.requireNonNull(backoutRunbook, "backoutRunbook");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** After a remediation: a notice per key disabled, or per key a dry run found stale. */
    void remediated(RemediationResult result, String automationExecutionId, String accountId) {
        List<KeyEvent> events = new ArrayList<>();
        if (result.outcome() == RemediationResult.Outcome.DISABLED) {
            for (RemediationResult.StaleKey key : result.staleKeys()) {
                if (result.disabledKeyIds().contains(key.accessKeyId())) {
                    events.add(disabled(result, key, false, automationExecutionId, accountId));
                }
            }
        } else if (result.outcome() == RemediationResult.Outcome.DRY_RUN) {
            for (RemediationResult.StaleKey key : result.staleKeys()) {
                events.add(disabled(result, key, true, automationExecutionId, accountId));
            }
        }
        publish(events, result.userName(), automationExecutionId);
    }

    /** After a backout: a notice per key set back to Active. */
    void restored(RestoreResult result, String automationExecutionId, String accountId) {
        List<KeyEvent> events = new ArrayList<>();
        for (RestoreResult.RestoredKey key : result.restoredKeys()) {
            ObjectNode detail = KeyEvent.detail(key.accessKeyId(), result.userName());
            detail.put("accountId", accountId);
            detail.put("automationExecutionId", automationExecutionId);
            detail.put("status", key.status());
            detail.put("lastUsed", key.lastUsedDate());
            detail.put("lastUsedService", recorded(key.serviceName()));
            detail.put("lastUsedRegion", recorded(key.region()));
            detail.put("graceUntil", result.graceUntil());
            owner(detail, result.owner(), result.ownerStatus());
            detail.put(
                    "message",
                    "Access key " + key.accessKeyId() + " of IAM user " + result.userName()
                            + (accountId == null ? "" : " (account " + accountId + ")")
                            + " was set back to Active by the backout runbook (Automation execution "
                            + automationExecutionId + "). "
                            + (key.lastUsedDate() == null
                                    ? ""
                                    : "It was last used on "
                                            + key.lastUsedDate().substring(0, 10)
                                            + where(recorded(key.serviceName()), recorded(key.region()))
                                                    .map(site -> " with " + site)
                                                    .orElse("")
                                            + ". ")
                            + (result.graceUntil() == null
                                    ? "It has no grace: if it stays unused, the next evaluation reports it"
                                            + " and the remediation may disable it again."
                                    : "It is not reported or disabled for disuse before " + result.graceUntil()
                                            + " unless it is used; after that, unused, it may be disabled again.")
                            + ownerSentence(result.owner(), result.ownerStatus()));
            events.add(new KeyEvent(KeyEvent.RESTORED, detail));
        }
        publish(events, result.userName(), automationExecutionId);
    }

    private KeyEvent disabled(
            RemediationResult result,
            RemediationResult.StaleKey key,
            boolean dryRun,
            String automationExecutionId,
            String accountId) {
        ObjectNode detail = KeyEvent.detail(key.accessKeyId(), result.userName());
        detail.put("accountId", accountId);
        detail.put("userId", result.userId());
        detail.put("automationExecutionId", automationExecutionId);
        detail.put("dryRun", dryRun);
        detail.put("neverUsed", key.neverUsed());
        detail.put("unusedDays", key.idleDays());
        detail.put("lastUsedService", key.lastUsedService());
        detail.put("lastUsedRegion", key.lastUsedRegion());
        owner(detail, result.owner(), result.ownerStatus());
        if (!dryRun) {
            detail.put("backoutRunbook", backoutRunbook);
        }
        String what = key.neverUsed()
                ? "never used and created " + key.idleDays() + " days ago"
                : "unused for " + key.idleDays() + " days"
                        + where(key.lastUsedService(), key.lastUsedRegion())
                                .map(site -> ", last used with " + site)
                                .orElse("");
        detail.put(
                "message",
                (dryRun ? "Dry run: access key " : "Access key ") + key.accessKeyId() + " of IAM user "
                        + result.userName() + (accountId == null ? "" : " (account " + accountId + ")") + ", "
                        + what + ", " + (dryRun ? "would have been disabled" : "was disabled (set to Inactive)")
                        + " by the remediation runbook (Automation execution " + automationExecutionId + ")."
                        + (dryRun
                                ? " Nothing was changed."
                                : " The backout runbook " + backoutRunbook + " can restore it (IAMUserName "
                                        + result.userName() + ", RemediationExecutionId " + automationExecutionId
                                        + ").")
                        + ownerSentence(result.owner(), result.ownerStatus()));
        return new KeyEvent(dryRun ? KeyEvent.DISABLE_DRY_RUN : KeyEvent.DISABLED, detail);
    }

    /** "s3 in eu-west-1", "iam", or empty when IAM recorded no site. */
    private static Optional<String> where(String service, String region) {
        return Optional.ofNullable(service).map(known -> known + (region == null ? "" : " in " + region));
    }

    /** IAM's value, or null for its placeholders ({@code N/A}) and blanks. */
    private static String recorded(String value) {
        return value == null || value.isBlank() || value.equalsIgnoreCase("N/A") ? null : value;
    }

    /** The owner fields, as the warnings carry them. */
    private static void owner(ObjectNode detail, String owner, String status) {
        detail.put("owner", owner);
        detail.put("ownerStatus", status);
    }

    private static String ownerSentence(String owner, String status) {
        return switch (Objects.requireNonNullElse(status, "UNKNOWN")) {
            case "TAGGED" -> " Owner: " + owner + ".";
            case "TAG_ABSENT" -> " Owner: not known (the user has no owner tag).";
            case "TAG_UNREADABLE" ->
                " Owner: not known (the owner tag's value is neither an e-mail address nor a name).";
            case "NOT_CONFIGURED" -> " Owner: not known (no owner tag configured).";
            default -> " Owner: not known (the rule's settings could not be read).";
        };
    }

    private void publish(List<KeyEvent> events, String userName, String automationExecutionId) {
        if (events.isEmpty()) {
            return;
        }
        List<String> keyIds = events.stream()
                .map(event -> event.detail().path("accessKeyId").asText())
                .toList();
        try {
            bus.publish(events);
            log.info(
                    "change notices published",
                    "userName",
                    userName,
                    "accessKeyIds",
                    keyIds,
                    "automationExecutionId",
                    automationExecutionId);
        } catch (EventsNotPublishedException | SdkException failed) {
            log.error(
                    "change notices not published; the change itself is done and recorded",
                    "userName",
                    userName,
                    "accessKeyIds",
                    keyIds,
                    "automationExecutionId",
                    automationExecutionId,
                    "error",
                    failed.getClass().getSimpleName());
        }
    }
}
