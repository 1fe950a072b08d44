package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyOwner;
import io.github.stalekeys.policy.SkippedKey;
import java.util.List;

/**
 * The remediation's answer to the runbook, as JSON; the runbook's outputs are read from it.
 *
 * @param userName    null when the user no longer exists
 * @param owner       the keys' owner by the rule's owner tag, or null when not known
 * @param ownerStatus {@code TAGGED}, {@code TAG_ABSENT} or {@code NOT_CONFIGURED}; null when the user no longer exists
 */
public record RemediationResult(
        String action,
        String userId,
        String userName,
        boolean dryRun,
        Outcome outcome,
        List<StaleKey> staleKeys,
        List<String> disabledKeyIds,
        List<SkippedKey> skippedKeys,
        String message,
        String owner,
        String ownerStatus) {

    /** What the remediation found and did, as a whole. */
    public enum Outcome {
        DISABLED,
        NOTHING_STALE,
        USER_NOT_FOUND,
        EXEMPT,
        DRY_RUN
    }

    /** The answer about {@code user}, whose keys' owner is {@code owner}. */
    static RemediationResult of(
            RunbookRequest.DisableStaleKeys request,
            IamUser user,
            KeyOwner owner,
            Outcome outcome,
            List<KeyAssessment> stale,
            List<String> disabled,
            List<SkippedKey> skipped,
            String message) {
        return new RemediationResult(
                RunbookRequestParser.DISABLE_STALE_KEYS,
                // As asked (the runbook checks it): the user id, or the ARN an Access Analyzer finding named.
                request.userId(),
                user.userName(),
                request.dryRun(),
                outcome,
                stale.stream()
                        .map(key -> new StaleKey(
                                key.key().accessKeyId(),
                                key.idleDays(),
                                key.key().neverUsed(),
                                key.key()
                                        .lastUsedAt()
                                        .map(site -> site.service())
                                        .orElse(null),
                                key.key()
                                        .lastUsedAt()
                                        .flatMap(site -> site.region())
                                        .orElse(null)))
                        .toList(),
                disabled,
                skipped,
                message,
                owner.value().orElse(null),
                owner.status());
    }

    /** The answer when the user does not exist (any more). */
    static RemediationResult userGone(RunbookRequest.DisableStaleKeys request) {
        return new RemediationResult(
                RunbookRequestParser.DISABLE_STALE_KEYS,
                request.userId(),
                null,
                request.dryRun(),
                Outcome.USER_NOT_FOUND,
                List.of(),
                List.of(),
                List.of(),
                "IAM user " + request.userId() + " no longer exists: nothing to do",
                null,
                null);
    }

    /**
     * A key found stale now: disabled, or in a dry run, the one that would be.
     *
     * @param lastUsedService the service of its last use, as IAM recorded it; null when none is
     * @param lastUsedRegion  the region of its last use; null when none is (or the service is global)
     */
    public record StaleKey(
            String accessKeyId, long idleDays, boolean neverUsed, String lastUsedService, String lastUsedRegion) {

        /** A key whose last use has no recorded site. */
        public StaleKey(String accessKeyId, long idleDays, boolean neverUsed) {
            this(accessKeyId, idleDays, neverUsed, null, null);
        }
    }
}
