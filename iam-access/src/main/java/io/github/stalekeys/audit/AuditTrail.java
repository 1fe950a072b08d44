package io.github.stalekeys.audit;

import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.IamUser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The one owner of the remediation's audit records on IAM users: reads them (verifying each seal), writes a
 * new one, corrects it, marks keys restored with their grace, and removes settled ones. The rule reads through
 * it too, so it trusts the same records the backout does.
 */
public final class AuditTrail {

    /** A tag with our prefix that is not trusted, and why; its value is never repeated. */
    public record Rejected(String tagKey, String reason) {}

    /** The records on one user: those the remediation provably wrote, and the others. */
    public record Records(List<AuditRecord> trusted, List<Rejected> rejected) {

        public Records {
            trusted = List.copyOf(trusted);
            rejected = List.copyOf(rejected);
        }

        /** Whether any tag (trusted or not) already holds a record under this execution id. */
        public boolean holdsExecution(String executionId) {
            String key = AuditRecord.tagKeyOf(executionId);
            return trusted.stream().anyMatch(record -> record.tagKey().equalsIgnoreCase(key))
                    || rejected.stream().anyMatch(rejected -> rejected.tagKey().equalsIgnoreCase(key));
        }

        /** The graces the trusted records grant. */
        public List<BackoutGrace.Grant> graceGrants() {
            return trusted.stream()
                    .flatMap(record -> record.graceGrants().stream())
                    .toList();
        }
    }

    private final IamClient iam;
    private final AuditSeal seal;

    public AuditTrail(IamClient iam, AuditSeal seal) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.seal = Objects.requireNonNull(seal, "seal");
    }

    /** The records among {@code tags} of {@code user}: one KMS VerifyMac per record of ours, none otherwise. */
    public Records read(IamUser user, Map<String, String> tags) {
        List<AuditRecord> trusted = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            Optional<AuditRecord.Read> read = AuditRecord.fromTag(tag.getKey(), tag.getValue());
            if (read.isEmpty()) {
                continue;
            }
            switch (read.get()) {
                case AuditRecord.Unreadable unreadable ->
                    rejected.add(new Rejected(unreadable.tagKey(), "unreadable: " + unreadable.problem()));
                case AuditRecord.Readable readable
                when readable.mac().isEmpty() ->
                    rejected.add(new Rejected(readable.tagKey(), "not written by the remediation: it carries no seal"));
                case AuditRecord.Readable readable -> {
                    if (seal.verifies(
                            readable.sealedContent(user.userId()),
                            readable.mac().get())) {
                        trusted.add(readable.record());
                    } else {
                        rejected.add(new Rejected(
                                readable.tagKey(),
                                "not written by the remediation for this user: its seal does not verify"));
                    }
                }
            }
        }
        return new Records(trusted, rejected);
    }

    /** The tag value that holds {@code record} for {@code user}: its content and its seal. */
    public String sealedValue(IamUser user, AuditRecord record) {
        String value = record.content() + " mac=" + seal.seal(record.sealedContent(user.userId()));
        if (value.length() > AuditRecord.MAX_TAG_VALUE) {
            throw new IllegalStateException("the audit record of " + record.tagKey() + " would be " + value.length()
                    + " characters, more than an IAM tag value holds (" + AuditRecord.MAX_TAG_VALUE + ")");
        }
        return value;
    }

    /**
     * Writes (or overwrites) the record on the user. At IAM's quota of tags per user the SDK's
     * {@code LimitExceededException} propagates: the caller decides.
     */
    public void write(IamUser user, AuditRecord record) {
        store(user, record.tagKey(), sealedValue(user, record));
    }

    /** Writes a sealed value as it is (one {@link #sealedValue} gave). */
    public void store(IamUser user, String tagKey, String sealedValue) {
        iam.tagUser(tag -> tag.userName(user.userName()).tags(t -> t.key(tagKey).value(sealedValue)));
    }

    /** Removes records (a record that turned out to name nothing, or settled ones). */
    public void remove(IamUser user, List<AuditRecord> records) {
        if (!records.isEmpty()) {
            iam.untagUser(untag -> untag.userName(user.userName())
                    .tagKeys(records.stream().map(AuditRecord::tagKey).toList()));
        }
    }

    /**
     * Marks {@code keyIds} restored on {@code record} with their grace in whole days, in one write; keys it
     * marked restored before keep theirs. Returns the record as written (unchanged, and nothing written, when
     * none of those keys is outstanding on it).
     */
    public AuditRecord markRestored(IamUser user, AuditRecord record, List<String> keyIds, Instant at, int graceDays) {
        AuditRecord updated = record.withRestored(keyIds, at, graceDays);
        if (!updated.equals(record)) {
            write(user, updated);
        }
        return updated;
    }
}
