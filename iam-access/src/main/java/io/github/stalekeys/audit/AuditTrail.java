package io.github.stalekeys.audit;

import io.github.stalekeys.keychange.AuditLedger;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.keychange.AuditTags;
import io.github.stalekeys.keychange.RestorationRecord;
import io.github.stalekeys.policy.IamUser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The one owner of the remediation's audit tags on IAM users: reads them (verifying each seal once), seals new
 * ones, writes them and removes settled ones. The rule reads through it too, so it trusts the same records the
 * backout does.
 */
public final class AuditTrail {

    private final IamClient iam;
    private final AuditSeal seal;

    public AuditTrail(IamClient iam, AuditSeal seal) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.seal = Objects.requireNonNull(seal, "seal");
    }

    /** The records among {@code tags} of {@code user}: one KMS VerifyMac per record of ours, none otherwise. */
    public AuditLedger read(IamUser user, Map<String, String> tags) {
        return read(user, tags, AuditLedger.EMPTY);
    }

    /**
     * As {@link #read(IamUser, Map)}, but a tag whose value is byte for byte the one {@code verified} trusted is
     * trusted again without a second VerifyMac: the seal covers the value, so an unchanged value is unchanged proof.
     */
    public AuditLedger read(IamUser user, Map<String, String> tags, AuditLedger verified) {
        List<AuditLedger.Sealed<AuditRecord>> remediations = new ArrayList<>();
        List<AuditLedger.Sealed<RestorationRecord>> restorations = new ArrayList<>();
        List<AuditLedger.Rejected> rejected = new ArrayList<>();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            Optional<AuditTags.Read> read = AuditTags.read(tag.getKey(), tag.getValue());
            if (read.isEmpty()) {
                continue;
            }
            Optional<String> why = distrust(user, read.get(), tag.getValue(), verified);
            if (why.isPresent()) {
                rejected.add(new AuditLedger.Rejected(tag.getKey(), why.get()));
                continue;
            }
            switch (read.get()) {
                case AuditTags.Remediation remediation ->
                    remediations.add(new AuditLedger.Sealed<>(remediation.record(), tag.getKey(), tag.getValue()));
                case AuditTags.Restorations restoration ->
                    restorations.add(new AuditLedger.Sealed<>(restoration.record(), tag.getKey(), tag.getValue()));
                case AuditTags.Unreadable unreadable -> throw new IllegalStateException("distrusted above");
            }
        }
        return new AuditLedger(remediations, restorations, rejected);
    }

    /** Why the tag is not trusted, or empty when its seal verifies. */
    private Optional<String> distrust(IamUser user, AuditTags.Read read, String value, AuditLedger verified) {
        if (read instanceof AuditTags.Unreadable unreadable) {
            return Optional.of("unreadable: " + unreadable.problem());
        }
        if (read.mac().isEmpty()) {
            return Optional.of("not written by the remediation: it carries no seal");
        }
        if (verified.valueOf(read.tagKey()).filter(value::equals).isPresent()
                || seal.verifies(read.sealedContent(user.userId()), read.mac().get())) {
            return Optional.empty();
        }
        return Optional.of("not written by the remediation for this user: its seal does not verify");
    }

    /** The tag value that holds {@code record} for {@code user}: its content and its seal. */
    public String sealedValue(IamUser user, AuditRecord record) {
        return sealed(record.tagKey(), record.content(), record.sealedContent(user.userId()));
    }

    /** The tag value that holds {@code record} for {@code user}: its content and its seal. */
    public String sealedValue(IamUser user, RestorationRecord record) {
        return sealed(record.tagKey(), record.content(), record.sealedContent(user.userId()));
    }

    private String sealed(String tagKey, String content, String sealedContent) {
        String value = content + " mac=" + seal.seal(sealedContent);
        if (value.length() > AuditRecord.MAX_TAG_VALUE) {
            throw new IllegalStateException("the audit record of " + tagKey + " would be " + value.length()
                    + " characters, more than an IAM tag value holds (" + AuditRecord.MAX_TAG_VALUE + ")");
        }
        return value;
    }

    /**
     * Writes sealed values as they are (tag key to value), in one {@code TagUser}. At IAM's quota of tags per user
     * the SDK's {@code LimitExceededException} propagates: the caller decides.
     */
    public void store(IamUser user, Map<String, String> sealedValues) {
        if (!sealedValues.isEmpty()) {
            iam.tagUser(tag -> tag.userName(user.userName())
                    .tags(sealedValues.entrySet().stream()
                            .map(entry -> Tag.builder()
                                    .key(entry.getKey())
                                    .value(entry.getValue())
                                    .build())
                            .toList()));
        }
    }

    /** Seals and writes the record. */
    public void write(IamUser user, AuditRecord record) {
        store(user, Map.of(record.tagKey(), sealedValue(user, record)));
    }

    /** Seals and writes the restoration records, in one {@code TagUser}. */
    public void write(IamUser user, Collection<RestorationRecord> records) {
        Map<String, String> values = new LinkedHashMap<>();
        records.forEach(record -> values.put(record.tagKey(), sealedValue(user, record)));
        store(user, values);
    }

    /** Removes tags of ours (a record that turned out to name nothing, or settled ones), in one {@code UntagUser}. */
    public void remove(IamUser user, Collection<String> tagKeys) {
        if (!tagKeys.isEmpty()) {
            iam.untagUser(untag -> untag.userName(user.userName()).tagKeys(List.copyOf(tagKeys)));
        }
    }
}
