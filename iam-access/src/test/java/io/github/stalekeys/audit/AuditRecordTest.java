package io.github.stalekeys.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.BackoutGrace;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuditRecordTest {

    private static final Instant DISABLED_AT = Instant.parse("2026-11-28T09:15:00Z");
    private static final Instant RESTORED_AT = Instant.parse("2026-11-29T08:00:00Z");
    private static final Instant GRACE_UNTIL = Instant.parse("2026-12-29T08:00:00Z");
    private static final String EXECUTION = "0f8e4b4c-5a7d-4b8e-9d2a-1c3e5f7a9b0d";
    /** What IAM accepts in a tag value (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html). */
    private static final Pattern IAM_TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}");
    /** The longest seal: HMAC_SHA_256 is 32 bytes, 44 characters in base64. */
    private static final String MAC = "A".repeat(43) + "=";

    @Test
    void aRestoredRecordWithItsGraceAndSealFitsInATagAndReadsBack() {
        AuditRecord record = AuditRecord.disabled(
                        EXECUTION, List.of("AKIAAAAAAAAAAAAAAAA1", "AKIAAAAAAAAAAAAAAAA2"), DISABLED_AT)
                .withRestored(
                        List.of("AKIAAAAAAAAAAAAAAAA1", "AKIAAAAAAAAAAAAAAAA2"), RESTORED_AT, Optional.of(GRACE_UNTIL));
        String value = record.content() + " mac=" + MAC;

        assertEquals("StaleKeyRemediation:" + EXECUTION, record.tagKey());
        assertEquals(
                "disabled=AKIAAAAAAAAAAAAAAAA1/AKIAAAAAAAAAAAAAAAA2 at=2026-11-28T09:15:00Z "
                        + "restored=AKIAAAAAAAAAAAAAAAA1/AKIAAAAAAAAAAAAAAAA2 restoredAt=2026-11-29T08:00:00Z "
                        + "graceUntil=2026-12-29T08:00:00Z",
                record.content());
        assertTrue(value.length() <= AuditRecord.MAX_TAG_VALUE, value.length() + " characters");
        assertTrue(IAM_TAG_VALUE.matcher(value).matches());
        assertEquals(
                Optional.of(new AuditRecord.Readable(record, Optional.of(MAC))),
                AuditRecord.fromTag(record.tagKey(), value));
        assertEquals(List.of(), record.outstanding());
        assertEquals(
                List.of(
                        new BackoutGrace.Grant("AKIAAAAAAAAAAAAAAAA1", RESTORED_AT, GRACE_UNTIL),
                        new BackoutGrace.Grant("AKIAAAAAAAAAAAAAAAA2", RESTORED_AT, GRACE_UNTIL)),
                record.graceGrants());
    }

    @Test
    void theSealCoversTheUserAndTheTagKeySoARecordCannotBeMovedToAnotherUserOrExecution() {
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of("AKIAAAAAAAAAAAAAAAA1"), DISABLED_AT);
        AuditRecord otherExecution = AuditRecord.disabled(
                "11111111-2222-3333-4444-555555555555", List.of("AKIAAAAAAAAAAAAAAAA1"), DISABLED_AT);

        assertFalse(record.sealedContent("AIDAALICE0000000001").equals(record.sealedContent("AIDABOB000000000001")));
        assertFalse(record.sealedContent("AIDAALICE0000000001")
                .equals(otherExecution.sealedContent("AIDAALICE0000000001")));
        assertTrue(record.sealedContent("AIDAALICE0000000001").endsWith("\n" + record.content()));
    }

    @Test
    void withoutAGraceTheRecordGrantsNone() {
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of("AKIAAAAAAAAAAAAAAAA1"), DISABLED_AT)
                .withRestored(List.of("AKIAAAAAAAAAAAAAAAA1"), RESTORED_AT, Optional.empty());

        assertFalse(record.content().contains("graceUntil"));
        assertEquals(List.of(), record.graceGrants());
    }

    @Test
    void restoringKeysItNeverDisabledLeavesTheRecordAsItIs() {
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of("AKIAAAAAAAAAAAAAAAA1"), DISABLED_AT);
        assertSame(record, record.withRestored(List.of("AKIAOTHEROTHEROTHER1"), RESTORED_AT, Optional.of(GRACE_UNTIL)));
    }

    @Test
    void otherTagsAreNotRecords() {
        assertEquals(Optional.empty(), AuditRecord.fromTag("team", "payments"));
    }

    @Test
    void anUnreadableRecordIsReportedByItsKeyWithoutItsValue() {
        AuditRecord.Read read = AuditRecord.fromTag("StaleKeyRemediation:" + EXECUTION, "edited by hand")
                .orElseThrow();
        AuditRecord.Read badDate = AuditRecord.fromTag(
                        "StaleKeyRemediation:" + EXECUTION, "disabled=AKIAAAAAAAAAAAAAAAA1 at=yesterday")
                .orElseThrow();

        AuditRecord.Unreadable unreadable = assertInstanceOf(AuditRecord.Unreadable.class, read);
        assertEquals("StaleKeyRemediation:" + EXECUTION, unreadable.tagKey());
        assertFalse(unreadable.problem().contains("edited"));
        assertInstanceOf(AuditRecord.Unreadable.class, badDate);
    }
}
