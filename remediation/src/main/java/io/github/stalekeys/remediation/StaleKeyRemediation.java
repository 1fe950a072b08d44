package io.github.stalekeys.remediation;

import io.github.stalekeys.iam.IamKeyInventory.TaggedUser;
import io.github.stalekeys.keychange.DisablePlan;
import io.github.stalekeys.keychange.UserSnapshot;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyOwner;
import io.github.stalekeys.policy.SkippedKey;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.WarningSchedule;
import io.github.stalekeys.remediation.RemediationResult.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Disables the access keys of one user that are stale <em>now</em>, in three steps: read the user (keys, last use,
 * records), plan from that snapshot alone ({@link DisablePlan}: the same policy as the rule, the backout's grace,
 * the settled records to remove), and apply the plan ({@link KeyDisabling}), which re-checks each key right before
 * it changes it. Config may remediate from an old evaluation, and other executions may act on the same user at
 * the same moment. Keys are only ever set to {@code Inactive}: never deleted; passwords are never touched.
 *
 * <p>The deployed threshold is a floor and the deployed exemptions always apply, whatever the payload says: both
 * are read from the live Config rule at each run, before anything else.
 */
final class StaleKeyRemediation {

    private final UserDirectory directory;
    private final UserReads reads;
    private final KeyDisabling disabling;
    private final ServedRule rule;
    private final Clock clock;
    private final StructuredLogger log;

    StaleKeyRemediation(
            UserDirectory directory,
            UserReads reads,
            KeyDisabling disabling,
            ServedRule rule,
            Clock clock,
            StructuredLogger log) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.disabling = Objects.requireNonNull(disabling, "disabling");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    RemediationResult disable(RunbookRequest.DisableStaleKeys request) {
        // Read first, at every run: the rule's parameters as they are now, or nothing happens at all.
        RuleSettings deployed = rule.settings();
        String executionId = request.automationExecutionId();
        Optional<TaggedUser> found = directory.find(request.userId());
        if (found.isEmpty()) {
            return userGone(request);
        }
        IamUser user = found.get().user();
        Map<String, String> tags = found.get().tags();
        KeyOwner owner = KeyOwner.of(deployed.ownerTagKey(), tags);
        Instant now = clock.instant();
        Optional<String> exemption = deployed.exemptions()
                .byIdentity(user)
                .or(() -> request.exemptions().byIdentity(user))
                .or(() -> deployed.exemptions().byTags(tags, now).exemptReason())
                .or(() -> request.exemptions().byTags(tags, now).exemptReason());
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
                    executionId);
            return RemediationResult.of(
                    request,
                    user,
                    owner,
                    Outcome.EXEMPT,
                    List.of(),
                    List.of(),
                    List.of(),
                    exemption.get() + ": nothing changed");
        }
        Optional<UserSnapshot> snapshot = reads.snapshot(found.get(), executionId);
        if (snapshot.isEmpty()) {
            return userGone(request);
        }
        if (snapshot.get().ledger().holdsExecution(executionId)) {
            throw new InvalidSettingException(
                    "automationExecutionId",
                    "already has an audit record on " + user.userName()
                            + ": each execution records once; start a new execution. Nothing was changed");
        }
        KeyAgeLimits limits = effectiveLimits(request, deployed);
        StaleKeyPolicy policy = new StaleKeyPolicy(limits, WarningSchedule.OFF, request.exemptions(), clock);
        DisablePlan plan = DisablePlan.of(snapshot.get(), policy, executionId, clock);
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
                        executionId));
        if (plan.toDisable().isEmpty()) {
            return RemediationResult.of(
                    request,
                    user,
                    owner,
                    Outcome.NOTHING_STALE,
                    List.of(),
                    List.of(),
                    plan.skipped(),
                    "No active key of " + user.userName() + " is unused beyond "
                            + (limits.differ()
                                    ? "the " + limits.describe()
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
                            executionId));
            return RemediationResult.of(
                    request,
                    user,
                    owner,
                    Outcome.DRY_RUN,
                    plan.toDisable(),
                    List.of(),
                    plan.skipped(),
                    "Dry run: would disable " + describe(plan.toDisable()));
        }
        KeyDisabling.Applied applied = disabling.apply(snapshot.get(), plan, executionId);
        List<SkippedKey> skipped = new ArrayList<>(plan.skipped());
        skipped.addAll(applied.leftAlone());
        List<KeyAssessment> disabled = plan.toDisable().stream()
                .filter(key -> applied.disabled().contains(key.key().accessKeyId()))
                .toList();
        if (disabled.isEmpty()) {
            return RemediationResult.of(
                    request,
                    user,
                    owner,
                    Outcome.NOTHING_STALE,
                    List.of(),
                    List.of(),
                    skipped,
                    "Nothing disabled: " + describeSkipped(applied.leftAlone()));
        }
        String message = "Disabled " + describe(disabled);
        if (!applied.leftAlone().isEmpty()) {
            message += "; left alone: " + describeSkipped(applied.leftAlone());
        }
        return RemediationResult.of(
                request, user, owner, Outcome.DISABLED, disabled, applied.disabled(), skipped, message);
    }

    /** The request's limits, each raised to the deployed rule's: a payload may ask for more time, never less. */
    private KeyAgeLimits effectiveLimits(RunbookRequest.DisableStaleKeys request, RuleSettings deployed) {
        KeyAgeLimits effective = deployed.floorFor(request.limits());
        if (!effective.equals(request.limits())) {
            log.info(
                    "threshold raised to the deployed rule's",
                    "requested",
                    request.limits().describe(),
                    "deployed",
                    deployed.limits().describe(),
                    "ruleName",
                    deployed.ruleName(),
                    "automationExecutionId",
                    request.automationExecutionId());
        }
        return effective;
    }

    private RemediationResult userGone(RunbookRequest.DisableStaleKeys request) {
        log.info(
                "user not found: nothing changed",
                "userId",
                request.userId(),
                "automationExecutionId",
                request.automationExecutionId());
        return RemediationResult.userGone(request);
    }

    private static String describeSkipped(List<SkippedKey> skipped) {
        return String.join(
                "; ",
                skipped.stream()
                        .map(key -> key.accessKeyId() + " " + key.reason())
                        .toList());
    }

    private static String describe(List<KeyAssessment> stale) {
        return String.join("; ", stale.stream().map(KeyAssessment::describe).toList());
    }
}
