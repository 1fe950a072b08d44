package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuditRecordTest {

    private static final Instant DISABLED_AT = Instant.parse("2026-11-28T09:15:00Z");
    private static final Instant RESTORED_AT = Instant.parse("2026-11-29T08:00:00Z");
    private static final String EXECUTION = "0f8e4b4c-5a7d-4b8e-9d2a-1c3e5f7a9b0d";
    /** What IAM accepts in a tag value. */
    private static final Pattern IAM_TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}");

    @Test
    void roundTripsThroughATagWithinIamLimits() {
        AuditRecord record = AuditRecord.disabled(
                        EXECUTION, List.of("AKIAAAAAAAAAAAAAAAA1", "AKIAAAAAAAAAAAAAAAA2"), DISABLED_AT)
                .withRestored(List.of("AKIAAAAAAAAAAAAAAAA2"), RESTORED_AT);

        assertEquals("StaleKeyRemediation:" + EXECUTION, record.tagKey());
        assertTrue(record.tagKey().length() <= 128);
        assertEquals(
                "disabled=AKIAAAAAAAAAAAAAAAA1/AKIAAAAAAAAAAAAAAAA2 at=2026-11-28T09:15:00Z "
                        + "restored=AKIAAAAAAAAAAAAAAAA2 restoredAt=2026-11-29T08:00:00Z",
                record.tagValue());
        assertTrue(IAM_TAG_VALUE.matcher(record.tagValue()).matches());
        assertEquals(Optional.of(record), AuditRecord.fromTag(record.tagKey(), record.tagValue()));
        assertEquals(List.of("AKIAAAAAAAAAAAAAAAA1"), record.outstanding());
    }

    @Test
    void restoringKeysItNeverDisabledLeavesTheRecordAsItIs() {
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of("AKIAAAAAAAAAAAAAAAA1"), DISABLED_AT);
        assertSame(record, record.withRestored(List.of("AKIAOTHEROTHEROTHER1"), RESTORED_AT));
    }

    @Test
    void otherTagsAreNotRecords() {
        assertEquals(Optional.empty(), AuditRecord.fromTag("team", "payments"));
    }

    @Test
    void anUnreadableRecordIsAnErrorNotSilence() {
        IllegalStateException error = assertThrows(
                IllegalStateException.class,
                () -> AuditRecord.fromTag("StaleKeyRemediation:" + EXECUTION, "edited by hand"));
        assertTrue(error.getMessage().contains("StaleKeyRemediation:" + EXECUTION), error.getMessage());
    }
}
