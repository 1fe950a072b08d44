package io.github.stalekeys.remediation;

import io.github.stalekeys.audit.AuditRecord;
import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.iam.IamKeyInventory.TaggedUser;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.RemediationPlan;
import io.github.stalekeys.policy.SkippedKey;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.WarningSchedule;
import io.github.stalekeys.remediation.RemediationResult.Outcome;
import io.github.stalekeys.remediation.RemediationResult.StaleKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Disables the access keys of one user that are stale <em>now</em>. Config may remediate from an old
 * evaluation, so every key is re-read live and judged by the same policy as the rule; a key used since is
 * left alone. Keys are only ever set to {@code Inactive}: never deleted; passwords are never touched.
 *
 * <p>The deployed threshold is a floor and the deployed exemptions always apply, whatever the payload says: both
 * are read from the live Config rule at each run, before anything else.
 * Keys a backout restored are left alone during their grace. The audit record is written (sealed) before the
 * first key changes and corrected if a disable then fails; settled records are removed first so they do not
 * fill IAM's quota of 50 tags per user. At that quota anyway, the keys are still disabled and the sealed
 * record is handed back in the error and the log, to be attached once a tag is free.
 */
final class StaleKeyRemediation {

    private final IamClient iam;
    private final UserDirectory directory;
    private final IamKeyInventory inventory;
    private final AuditTrail trail;
    private final ServedRule rule;
    private final Clock clock;
    private final StructuredLogger log;

    StaleKeyRemediation(
            IamClient iam,
            UserDirectory directory,
            IamKeyInventory inventory,
            AuditTrail trail,
            ServedRule rule,
            Clock clock,
            StructuredLogger log) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    RemediationResult disable(RunbookRequest.DisableStaleKeys request) {
        // Read first, at every run: the rule's parameters as they are now, or nothing happens at all.
        RuleSettings deployed = rule.settings();
        Optional<TaggedUser> found = directory.byId(request.userId());
        if (found.isEmpty()) {
            return userGone(request);
        }
        IamUser user = found.get().user();
        Map<String, String> tags = found.get().tags();
        Optional<String> exemption = deployed.exemptions()
                .byIdentity(user)
                .or(() -> request.exemptions().byIdentity(user))
                .or(() -> deployed.exemptions().byTags(tags, clock.instant()).exemptReason())
                .or(() -> request.exemptions().byTags(tags, clock.instant()).exemptReason());
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
        AuditTrail.Records records = trail.read(user, tags);
        if (records.holdsExecution(request.automationExecutionId())) {
            throw new InvalidSettingException(
                    "automationExecutionId",
                    "already has an audit record on " + user.userName()
                            + ": each execution records once; start a new execution. Nothing was changed");
        }
        reportRejected(user, records, request.automationExecutionId());
        KeyAgeLimits limits = effectiveLimits(request, deployed);
        StaleKeyPolicy policy = new StaleKeyPolicy(limits, WarningSchedule.OFF, request.exemptions(), clock);
        RemediationPlan plan =
                new BackoutGrace(records.graceGrants(), clock).apply(RemediationPlan.of(policy, keys.get()));
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
                            + (limits.differ()
                                    ? "its limit (" + limits.describe() + ")"
                                    : limits.used().days() + " days")
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
        List<String> disabled = disableRecorded(user, plan.toDisable(), records, keys.get(), request);
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
            AuditTrail.Records records,
            List<AccessKeyActivity> keys,
            RunbookRequest.DisableStaleKeys request) {
        Instant now = clock.instant();
        removeSettled(user, records, keys, request.automationExecutionId());
        AuditRecord record = AuditRecord.disabled(
                request.automationExecutionId(),
                stale.stream().map(key -> key.key().accessKeyId()).toList(),
                now);
        String sealed = trail.sealedValue(user, record);
        boolean stored = true;
        try {
            trail.store(user, record.tagKey(), sealed);
        } catch (LimitExceededException atQuota) {
            // The keys are still disabled: a stale key left active is the risk this product exists to remove.
            stored = false;
            log.error(
                    "audit record not stored: the user is at IAM's quota of tags; attach it once a tag is free",
                    "userName",
                    user.userName(),
                    "tagKey",
                    record.tagKey(),
                    "tagValue",
                    sealed,
                    "automationExecutionId",
                    request.automationExecutionId());
        }

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
            if (stored) {
                correct(user, record, disabled, failure);
            }
            throw failure;
        }
        if (!stored) {
            throw new AuditRecordNotStoredException(
                    "Disabled " + String.join(", ", disabled) + " of " + user.userName()
                            + ", but the audit record could not be attached: the user is at IAM's quota of 50 tags."
                            + " Free a tag, then tag the user with " + record.tagKey() + " = " + sealed,
                    record.tagKey(),
                    sealed);
        }
        return disabled;
    }

    /** Keeps the record true to what happened (only the keys disabled) before the failure is reported. */
    private void correct(IamUser user, AuditRecord record, List<String> disabled, RuntimeException failure) {
        try {
            if (disabled.isEmpty()) {
                trail.remove(user, List.of(record));
            } else {
                trail.write(user, AuditRecord.disabled(record.executionId(), disabled, record.disabledAt()));
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
    }

    /**
     * Removes records with nothing left to do, so records do not pile up to IAM's tag quota: every key they
     * hold outstanding is gone or active again (restored, or re-enabled by someone: no longer ours to restore),
     * and no grace of theirs is running. The log keeps what they said.
     */
    private void removeSettled(
            IamUser user, AuditTrail.Records records, List<AccessKeyActivity> keys, String executionId) {
        Map<String, KeyStatus> statuses = keys.stream()
                .collect(Collectors.toMap(AccessKeyActivity::accessKeyId, AccessKeyActivity::status, (a, b) -> a));
        Instant now = clock.instant();
        List<AuditRecord> settled = records.trusted().stream()
                .filter(record -> record.outstanding().stream()
                        .allMatch(keyId -> statuses.getOrDefault(keyId, KeyStatus.ACTIVE) == KeyStatus.ACTIVE))
                .filter(record ->
                        record.lastGraceEnd().map(until -> !now.isBefore(until)).orElse(true))
                .toList();
        trail.remove(user, settled);
        settled.forEach(record -> log.info(
                "settled audit record removed",
                "userName",
                user.userName(),
                "remediationExecutionId",
                record.executionId(),
                "record",
                record.content(),
                "automationExecutionId",
                executionId));
    }

    /** The request's limits, each raised to the deployed rule's: a payload may ask for more time, never less. */
    private KeyAgeLimits effectiveLimits(RunbookRequest.DisableStaleKeys request, RuleSettings deployed) {
        KeyAgeLimits requested = request.limits();
        KeyAgeLimits floor = deployed.limits();
        KeyAgeLimits effective = new KeyAgeLimits(
                atLeast(requested.used(), floor.used()), atLeast(requested.neverUsed(), floor.neverUsed()));
        if (!effective.equals(requested)) {
            log.info(
                    "threshold raised to the deployed rule's",
                    "requested",
                    requested.describe(),
                    "deployed",
                    floor.describe(),
                    "ruleName",
                    deployed.ruleName(),
                    "automationExecutionId",
                    request.automationExecutionId());
        }
        return effective;
    }

    private static MaxKeyAge atLeast(MaxKeyAge requested, MaxKeyAge floor) {
        return requested.days() >= floor.days() ? requested : floor;
    }

    private void reportRejected(IamUser user, AuditTrail.Records records, String executionId) {
        records.rejected()
                .forEach(rejected -> log.warn(
                        "audit tag not trusted",
                        "userName",
                        user.userName(),
                        "tagKey",
                        rejected.tagKey(),
                        "reason",
                        rejected.reason(),
                        "automationExecutionId",
                        executionId));
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
