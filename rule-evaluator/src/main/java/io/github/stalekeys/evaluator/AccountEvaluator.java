package io.github.stalekeys.evaluator;

import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.configrule.Deadline;
import io.github.stalekeys.configrule.DeadlineReachedException;
import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyWarning;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UserVerdict;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Judges IAM users: every user of the account for a periodic run, one user for a change event.
 *
 * <p>The periodic run costs a handful of calls however many users there are: {@code GetAccountAuthorizationDetails}
 * (1,000 users a page, with their tags) for the user ids and tags, the credential report for every key's activity,
 * and live calls only for the few users the report flags (the report can be up to 4 hours old and has no key ids,
 * so a stale verdict is confirmed live before it is posted) or does not know (created after the report).
 */
final class AccountEvaluator {

    static final String USER_GONE = "The IAM user no longer exists";
    /** Live confirmations in flight at once by default (see {@link #assess}). */
    static final int DEFAULT_LIVE_CONCURRENCY = 4;

    private final IamKeyInventory inventory;
    private final CredentialReportSource reports;
    private final StaleKeyPolicy policy;
    private final Optional<AuditTrail> auditTrail;
    private final Clock clock;
    private final int liveConcurrency;
    /** Tags read this run, by user id: a user both judged and warned is asked once. */
    private final Map<String, Map<String, String>> tagsRead = new ConcurrentHashMap<>();

    AccountEvaluator(IamKeyInventory inventory, CredentialReportSource reports, StaleKeyPolicy policy) {
        this(inventory, reports, policy, Optional.empty(), policy.clock(), DEFAULT_LIVE_CONCURRENCY);
    }

    /**
     * @param auditTrail      where the remediation's sealed records are read, to spare keys a backout restored
     *                        during their grace; empty: no grace is honoured
     * @param clock           read once, now: the evaluator judges one run at that instant
     * @param liveConcurrency how many flagged users are confirmed live at a time
     */
    AccountEvaluator(
            IamKeyInventory inventory,
            CredentialReportSource reports,
            StaleKeyPolicy policy,
            Optional<AuditTrail> auditTrail,
            Clock clock,
            int liveConcurrency) {
        if (liveConcurrency < 1) {
            throw new IllegalArgumentException("liveConcurrency must be at least 1");
        }
        this.liveConcurrency = liveConcurrency;
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.auditTrail = Objects.requireNonNull(auditTrail, "auditTrail");
        // One run, one moment: a run that waits minutes for the credential report still judges every user, key and
        // grace at the instant it started, so no verdict depends on where in the run a user came.
        this.clock = Clock.fixed(Objects.requireNonNull(clock, "clock").instant(), ZoneOffset.UTC);
        this.policy = Objects.requireNonNull(policy, "policy").withClock(this.clock);
    }

    /**
     * Verdicts on every current user, plus {@code NOT_APPLICABLE} for each previously evaluated user who no
     * longer exists.
     */
    List<UserAssessment> evaluateAll(Set<String> previouslyEvaluatedIds, Deadline deadline) {
        return evaluateAll(previouslyEvaluatedIds, deadline, Optional.empty());
    }

    /**
     * As {@link #evaluateAll(Set, Deadline)}; a user whose key the credential report shows reaching a warning stage
     * in {@code warningWindow} is read live, as the report has no key ids: {@code ListAccessKeys} names the key
     * (and shows it still active). Its last use is taken from the report when the report was generated after the
     * stage's moment: the report then shows the key unused from its last use up to that moment, which is what
     * reaching the stage means. Only a stage whose moment the report does not cover (the report is up to 4 hours
     * old) is confirmed with {@code GetAccessKeyLastUsed}, so no stage is announced on a guess.
     */
    List<UserAssessment> evaluateAll(
            Set<String> previouslyEvaluatedIds, Deadline deadline, Optional<WarningWindow> warningWindow) {
        CredentialReport report = reports.fetch(deadline);
        List<Future<UserAssessment>> verdicts = new ArrayList<>();
        Confirmations confirmations = new Confirmations();
        Set<String> currentIds = new HashSet<>();
        try (Stream<IamKeyInventory.ListedUser> users = inventory.everyUser()) {
            // Page by page: only the tags of users sent down the live path are kept, so a page is all that is held.
            users.forEach(
                    listed -> verdicts.add(assess(listed, report, currentIds, confirmations, deadline, warningWindow)));
        }
        // Confirmed only once every page is read: a listing that fails part-way has made no live call.
        confirmations.runOn(liveConcurrency);
        List<UserAssessment> assessed = new ArrayList<>(verdicts.size());
        for (Future<UserAssessment> verdict : verdicts) {
            assessed.add(resultOf(verdict));
        }
        for (String goneId : previouslyEvaluatedIds) {
            if (!currentIds.contains(goneId)) {
                assessed.add(
                        new UserAssessment(UserVerdict.notApplicable(new IamUser(goneId, ""), USER_GONE), List.of()));
            }
        }
        return assessed;
    }

    /**
     * One listed user: settled at once from the report, or a live confirmation added to {@code confirmations}, run
     * on the pool once the listing is done. Confirmations run a few at a time: each is a few sequential round
     * trips, so with hundreds of flagged users the run is bound by
     * latency, not by IAM's rate; four in parallel (the default) stay well inside it, and the clients' adaptive
     * retry slows down if IAM throttles all the same.
     */
    private Future<UserAssessment> assess(
            IamKeyInventory.ListedUser listed,
            CredentialReport report,
            Set<String> currentIds,
            Confirmations confirmations,
            Deadline deadline,
            Optional<WarningWindow> warningWindow) {
        IamUser user = listed.user();
        currentIds.add(user.userId());
        Optional<List<AccessKeyActivity>> reported = report.row(user.userName())
                .filter(row -> sameSecond(row.userCreationTime(), listed.created()))
                .map(CredentialReport.Row::keys);
        List<KeyWarning> reachedByReport = reported.isPresent() && warningWindow.isPresent()
                ? policy.warningsReached(
                        reported.get(),
                        warningWindow.get().since(user.userId()),
                        warningWindow.get().runAt())
                : List.of();
        boolean settledByReport = reported.isPresent()
                && (policy.exemptions().byIdentity(user).isPresent()
                        || (policy.staleKeys(reported.get()).isEmpty() && reachedByReport.isEmpty()));
        if (settledByReport) {
            return CompletableFuture.completedFuture(
                    new UserAssessment(policy.judge(user, reported.get(), this::noTagsNeeded), reported.get()));
        }
        Set<Instant> toConfirm = reachedByReport.stream()
                .filter(warning -> report.generatedAt()
                        .map(generated -> warning.stageReachedAt().isAfter(generated))
                        .orElse(true))
                .map(warning -> RecentUseByCreation.second(warning.key()))
                .collect(Collectors.toSet());
        // Read with the listing, in this run: the exemption and the owner cost no call (the sealed records behind a
        // grace are read again after the keys, see evaluateLive).
        tagsRead.put(user.userId(), listed.tags());
        Function<Instant, Optional<AccessKeyActivity>> knownRecentUse = reported.map(
                        keys -> RecentUseByCreation.of(keys, policy, toConfirm))
                .orElse(created -> Optional.empty());
        return confirmations.add(() -> {
            if (deadline.passed()) {
                throw new DeadlineReachedException("stopped before confirming " + user.userName()
                        + " live: the invocation is close to its deadline; no evaluations were posted");
            }
            return evaluateLive(user, knownRecentUse);
        });
    }

    /**
     * One run's live confirmations, run on a pool once the listing is done. After the first failure the ones not
     * yet started are skipped: the run fails anyway, and each would spend IAM calls (and retries) for nothing.
     * The pool takes them in listing order, so a skipped one always comes after the failure the run reports.
     */
    private static final class Confirmations {

        private final List<FutureTask<UserAssessment>> tasks = new ArrayList<>();
        private final AtomicBoolean failed = new AtomicBoolean();

        Future<UserAssessment> add(Supplier<UserAssessment> confirmation) {
            FutureTask<UserAssessment> task = new FutureTask<>(() -> {
                if (failed.get()) {
                    throw new IllegalStateException("not confirmed: an earlier live confirmation of this run failed");
                }
                try {
                    return confirmation.get();
                } catch (RuntimeException failure) {
                    failed.set(true);
                    throw failure;
                }
            });
            tasks.add(task);
            return task;
        }

        void runOn(int threads) {
            try (ExecutorService live = Executors.newFixedThreadPool(threads)) {
                tasks.forEach(live::execute);
            }
        }
    }

    private static UserAssessment resultOf(Future<UserAssessment> verdict) {
        try {
            return verdict.get();
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException("a live confirmation failed", failed.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while confirming users live", e);
        }
    }

    /**
     * The verdict on the user a configuration item describes. Its name is confirmed to still belong to its
     * id ({@code GetUser}, which also brings the tags): a user deleted and re-created under the same name, or
     * an item naming someone else, must not lend another user's keys to this id. The keys are listed first and the
     * user read after them, so the tags behind a backout's grace are read after the key was seen Active again (the
     * backout records its grace before re-enabling a key); another user's keys are listed then, but never judged
     * nor looked up.
     */
    UserAssessment evaluateChanged(IamUser claimed) {
        Optional<List<AccessKeyActivity>> listed = inventory.listed(claimed.userName());
        Optional<IamKeyInventory.TaggedUser> current = listed.flatMap(keys -> inventory
                .user(claimed.userName())
                .filter(found -> found.user().userId().equals(claimed.userId())));
        if (current.isEmpty()) {
            return new UserAssessment(UserVerdict.notApplicable(claimed, USER_GONE), List.of());
        }
        // Read after the keys: these tags serve the exemption, a warning's owner and the grace alike.
        tagsRead.put(claimed.userId(), current.get().tags());
        List<AccessKeyActivity> keys = inventory.withLastUse(listed.get(), created -> Optional.empty());
        return new UserAssessment(withGrace(claimed, policy.judge(claimed, keys, this::tagsOf), this::tagsOf), keys);
    }

    /**
     * The verdict on one listed user from live IAM reads; {@code NOT_APPLICABLE} when the user does not exist.
     * Keys the report already shows not stale need no second look.
     */
    private UserAssessment evaluateLive(IamUser user, Function<Instant, Optional<AccessKeyActivity>> knownRecentUse) {
        return inventory
                .keysOf(user.userName(), knownRecentUse)
                .map(keys -> new UserAssessment(
                        withGrace(user, policy.judge(user, keys, this::tagsOf), this::tagsAfterKeys), keys))
                .orElseGet(() -> new UserAssessment(UserVerdict.notApplicable(user, USER_GONE), List.of()));
    }

    private UserVerdict withGrace(IamUser user, UserVerdict verdict, StaleKeyPolicy.TagLookup tags) {
        return auditTrail
                .map(trail -> new SealedGrace(trail, clock).apply(user, verdict, tags))
                .orElse(verdict);
    }

    private static boolean sameSecond(Instant reported, Instant listed) {
        return reported.truncatedTo(ChronoUnit.SECONDS).equals(listed.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * The user's tags read now, after its keys ({@code ListUserTags}), for the grace of a non-compliant verdict
     * only: a backout records its grace before it makes a key Active again, so tags read after the key was seen
     * Active hold that grace; tags read before it, as the listing's are, may not. Kept for the rest of the run.
     */
    private Map<String, String> tagsAfterKeys(IamUser user) {
        Map<String, String> tags = inventory.tagsOf(user);
        tagsRead.put(user.userId(), tags);
        return tags;
    }

    /**
     * The user's tags, read once per run: from the listing for a user confirmed live or from {@code GetUser} for a
     * changed one, else with {@code ListUserTags} (a user deleted meanwhile has none).
     */
    Map<String, String> tagsOf(IamUser user) {
        return tagsRead.computeIfAbsent(user.userId(), id -> inventory.tagsOf(user));
    }

    private Map<String, String> noTagsNeeded(IamUser user) {
        // judge() asks for tags only for a stale, unlisted user, whom the caller sends down the live path.
        throw new IllegalStateException("tags requested for " + user.userName() + " with no stale key");
    }
}
