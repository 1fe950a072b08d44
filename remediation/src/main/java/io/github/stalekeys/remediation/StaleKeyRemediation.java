package io.github.stalekeys.remediation;

import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.iam.IamKeyInventory.TaggedUser;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.RemediationPlan;
import io.github.stalekeys.policy.SkippedKey;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.WarningSchedule;
import io.github.stalekeys.remediation.RemediationResult.Outcome;
import io.github.stalekeys.remediation.RemediationResult.StaleKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Disables the access keys of one user that are stale <em>now</em>. Config may remediate from an old
 * evaluation, so every key is re-read live and judged by the same policy as the rule; a key used since is
 * left alone. Keys are only ever set to {@code Inactive}: never deleted; passwords are never touched.
 *
 * <p>The audit record is written before the first key changes, so a change can never go unrecorded (a user
 * at IAM's 50-tag limit fails before anything is disabled); it is corrected if a disable then fails.
 */
final class StaleKeyRemediation {

    private final IamClient iam;
    private final UserDirectory directory;
    private final IamKeyInventory inventory;
    private final Clock clock;
    private final StructuredLogger log;

    StaleKeyRemediation(IamClient iam, UserDirectory directory, Clock clock, StructuredLogger log) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.inventory = new IamKeyInventory(iam);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    RemediationResult disable(RunbookRequest.DisableStaleKeys request) {
        Optional<TaggedUser> found = directory.byId(request.userId());
        if (found.isEmpty()) {
            return userGone(request);
        }
        IamUser user = found.get().user();
        Optional<String> exemption = request.exemptions()
                .byIdentity(user)
                .or(() -> request.exemptions()
                        .byTags(found.get().tags(), clock.instant())
                        .exemptReason());
        if (exemption.isPresent()) {
            log.info(
                    "user exempt: nothing changed",
                    "userName",
                    user.userName(),
                    "userId",
                    user.userId(),
                    "reason",
                    exemption.get(),
                    "automationExecutionId",
                    request.automationExecutionId());
            return result(
                    request,
                    user,
                    Outcome.EXEMPT,
                    List.of(),
                    List.of(),
                    List.of(),
                    exemption.get() + ": nothing changed");
        }
        Optional<List<AccessKeyActivity>> keys = inventory.keysOf(user.userName());
        if (keys.isEmpty()) {
            return userGone(request);
        }
        StaleKeyPolicy policy = new StaleKeyPolicy(request.limits(), WarningSchedule.OFF, request.exemptions(), clock);
        RemediationPlan plan = RemediationPlan.of(policy, keys.get());
        plan.skipped()
                .forEach(skipped -> log.info(
                        "access key left alone",
                        "userName",
                        user.userName(),
                        "accessKeyId",
                        skipped.accessKeyId(),
                        "reason",
                        skipped.reason(),
                        "automationExecutionId",
                        request.automationExecutionId()));
        if (plan.toDisable().isEmpty()) {
            return result(
                    request,
                    user,
                    Outcome.NOTHING_STALE,
                    plan.toDisable(),
                    List.of(),
                    plan.skipped(),
                    "No active key of " + user.userName() + " is unused beyond "
                            + (request.limits().differ()
                                    ? "its limit (" + request.limits().describe() + ")"
                                    : request.maxKeyAge().days() + " days")
                            + ": nothing changed");
        }
        if (request.dryRun()) {
            plan.toDisable()
                    .forEach(stale -> log.info(
                            "dry run: access key would be disabled",
                            "userName",
                            user.userName(),
                            "accessKeyId",
                            stale.key().accessKeyId(),
                            "idleDays",
                            stale.idleDays(),
                            "automationExecutionId",
                            request.automationExecutionId()));
            return result(
                    request,
                    user,
                    Outcome.DRY_RUN,
                    plan.toDisable(),
                    List.of(),
                    plan.skipped(),
                    "Dry run: would disable " + describe(plan.toDisable()));
        }
        List<String> disabled =
                disableRecorded(user, plan.toDisable(), found.get().tags(), request);
        return result(
                request,
                user,
                Outcome.DISABLED,
                plan.toDisable(),
                disabled,
                plan.skipped(),
                "Disabled " + describe(plan.toDisable()));
    }

    private List<String> disableRecorded(
            IamUser user,
            List<KeyAssessment> stale,
            Map<String, String> tags,
            RunbookRequest.DisableStaleKeys request) {
        Instant now = clock.instant();
        AuditRecord previous = existingRecord(tags, request.automationExecutionId());
        LinkedHashSet<String> recorded = new LinkedHashSet<>(previous == null ? List.of() : previous.disabledKeyIds());
        stale.forEach(key -> recorded.add(key.key().accessKeyId()));
        writeRecord(user, AuditRecord.disabled(request.automationExecutionId(), List.copyOf(recorded), now));

        List<String> disabled = new ArrayList<>();
        try {
            for (KeyAssessment key : stale) {
                iam.updateAccessKey(update -> update.userName(user.userName())
                        .accessKeyId(key.key().accessKeyId())
                        .status(StatusType.INACTIVE));
                disabled.add(key.key().accessKeyId());
                log.info(
                        "access key disabled",
                        "userName",
                        user.userName(),
                        "userId",
                        user.userId(),
                        "accessKeyId",
                        key.key().accessKeyId(),
                        "idleDays",
                        key.idleDays(),
                        "neverUsed",
                        key.key().neverUsed(),
                        "automationExecutionId",
                        request.automationExecutionId());
            }
        } catch (RuntimeException failure) {
            // Keep the record true to what happened before reporting the failure.
            LinkedHashSet<String> done = new LinkedHashSet<>(previous == null ? List.of() : previous.disabledKeyIds());
            done.addAll(disabled);
            try {
                if (done.isEmpty()) {
                    iam.untagUser(untag -> untag.userName(user.userName())
                            .tagKeys(AuditRecord.TAG_PREFIX + request.automationExecutionId()));
                } else {
                    writeRecord(user, AuditRecord.disabled(request.automationExecutionId(), List.copyOf(done), now));
                }
                log.error(
                        "disabling stopped: audit record corrected",
                        "userName",
                        user.userName(),
                        "disabledAccessKeyIds",
                        disabled,
                        "error",
                        failure.getClass().getSimpleName());
            } catch (RuntimeException correctionFailed) {
                failure.addSuppressed(correctionFailed); // the first failure is the one to report
                log.error(
                        "disabling stopped; the audit record could not be corrected and may name keys still active",
                        "userName",
                        user.userName(),
                        "disabledAccessKeyIds",
                        disabled,
                        "error",
                        failure.getClass().getSimpleName());
            }
            throw failure;
        }
        return disabled;
    }

    private static AuditRecord existingRecord(Map<String, String> tags, String executionId) {
        String value = tags.get(AuditRecord.TAG_PREFIX + executionId);
        return value == null
                ? null
                : AuditRecord.fromTag(AuditRecord.TAG_PREFIX + executionId, value)
                        .orElseThrow();
    }

    private void writeRecord(IamUser user, AuditRecord record) {
        iam.tagUser(tag ->
                tag.userName(user.userName()).tags(t -> t.key(record.tagKey()).value(record.tagValue())));
    }

    private RemediationResult userGone(RunbookRequest.DisableStaleKeys request) {
        log.info(
                "user not found: nothing changed",
                "userId",
                request.userId(),
                "automationExecutionId",
                request.automationExecutionId());
        return new RemediationResult(
                RunbookRequestParser.DISABLE_STALE_KEYS,
                request.userId(),
                null,
                request.dryRun(),
                Outcome.USER_NOT_FOUND,
                List.of(),
                List.of(),
                List.of(),
                "IAM user " + request.userId() + " no longer exists: nothing to do");
    }

    private static RemediationResult result(
            RunbookRequest.DisableStaleKeys request,
            IamUser user,
            Outcome outcome,
            List<KeyAssessment> stale,
            List<String> disabled,
            List<SkippedKey> skipped,
            String message) {
        return new RemediationResult(
                RunbookRequestParser.DISABLE_STALE_KEYS,
                user.userId(),
                user.userName(),
                request.dryRun(),
                outcome,
                stale.stream()
                        .map(k -> new StaleKey(
                                k.key().accessKeyId(), k.idleDays(), k.key().neverUsed()))
                        .toList(),
                disabled,
                skipped,
                message);
    }

    private static String describe(List<KeyAssessment> stale) {
        return String.join("; ", stale.stream().map(KeyAssessment::describe).toList());
    }
}
