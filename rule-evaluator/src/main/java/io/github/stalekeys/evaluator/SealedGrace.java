package io.github.stalekeys.evaluator;

import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.Compliance;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UserVerdict;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** The grace a backout recorded, read from the user's sealed audit records, applied to a verdict. */
final class SealedGrace {

    private final AuditTrail trail;
    private final Clock clock;

    SealedGrace(AuditTrail trail, Clock clock) {
        this.trail = Objects.requireNonNull(trail, "trail");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A non-compliant verdict with the keys a backout restored taken out while their grace runs; the grace is
     * read only from records the remediation sealed, so a user who tags themselves cannot grant it.
     */
    UserVerdict apply(IamUser user, UserVerdict verdict, StaleKeyPolicy.TagLookup tags) {
        if (verdict.compliance() != Compliance.NON_COMPLIANT) {
            return verdict;
        }
        // Outside the try: IAM failing to give the tags fails the run (and Lambda retries it); only a seal that
        // cannot be checked is this user's alone to bear.
        Map<String, String> records = tags.tagsOf(user);
        List<BackoutGrace.Grant> grants;
        try {
            grants = trail.read(user, records).graceGrants();
        } catch (SdkException sealNotChecked) {
            // KMS throttled or unavailable for this user's records (anyone may add a tag that looks sealed): this
            // user is judged without a grace, saying why, and every other user of the run is still posted.
            return verdict.prefixed("backout grace not checked (the audit records' seal could not be verified: "
                    + errorCode(sealNotChecked) + "); ");
        }
        return new BackoutGrace(grants, clock).apply(verdict);
    }

    private static String errorCode(SdkException failure) {
        return failure instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? service.awsErrorDetails().errorCode()
                : failure.getClass().getSimpleName();
    }
}
