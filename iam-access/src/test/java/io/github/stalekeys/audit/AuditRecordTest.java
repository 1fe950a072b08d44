package io.github.stalekeys.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.BackoutGrace;
import java.time.Duration;
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

    private static final String KEY_1 = "AKIAAAAAAAAAAAAAAAA1";
    private static final String KEY_2 = "AKIAAAAAAAAAAAAAAAA2";

    @Test
    void aRestoredRecordWithItsGraceAndSealFitsInATagAndReadsBack() {
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of(KEY_1, KEY_2), DISABLED_AT)
                .withRestored(List.of(KEY_1, KEY_2), RESTORED_AT, 30);
        String value = record.content() + " mac=" + MAC;

        assertEquals("StaleKeyRemediation:" + EXECUTION, record.tagKey());
        assertEquals(
                "disabled=AKIAAAAAAAAAAAAAAAA1/AKIAAAAAAAAAAAAAAAA2 at=2026-11-28T09:15:00Z "
                        + "restored=AKIAAAAAAAAAAAAAAAA1@2026-11-29T08:00:00Z+30d/AKIAAAAAAAAAAAAAAAA2@2026-11-29T08:00:00Z+30d",
                record.content());
        assertTrue(value.length() <= AuditRecord.MAX_TAG_VALUE, value.length() + " characters");
        assertTrue(IAM_TAG_VALUE.matcher(value).matches());
        assertEquals(
                Optional.of(new AuditRecord.Readable(record, Optional.of(MAC))),
                AuditRecord.fromTag(record.tagKey(), value));
        assertEquals(List.of(), record.outstanding());
        assertEquals(
                List.of(
                        new BackoutGrace.Grant(KEY_1, RESTORED_AT, GRACE_UNTIL),
                        new BackoutGrace.Grant(KEY_2, RESTORED_AT, GRACE_UNTIL)),
                record.graceGrants());
    }

    @Test
    void aSecondBackoutLeavesTheGraceOfTheKeyTheFirstRestored() {
        Instant later = RESTORED_AT.plus(Duration.ofDays(3)).plusSeconds(5);
        AuditRecord first = AuditRecord.disabled(EXECUTION, List.of(KEY_1, KEY_2), DISABLED_AT)
                .withRestored(List.of(KEY_1), RESTORED_AT, 30);
        AuditRecord second = first.withRestored(List.of(KEY_2), later, 0);

        assertEquals(List.of(KEY_2), first.outstanding());
        assertEquals(List.of(new BackoutGrace.Grant(KEY_1, RESTORED_AT, GRACE_UNTIL)), second.graceGrants());
        assertEquals(List.of(), second.outstanding());
        assertEquals(Optional.of(GRACE_UNTIL), second.lastGraceEnd());
        assertEquals(
                List.of(
                        new AuditRecord.Restoration(KEY_1, RESTORED_AT, 30),
                        new AuditRecord.Restoration(KEY_2, later, 0)),
                second.restorations());
        AuditRecord.Readable read = assertInstanceOf(
                AuditRecord.Readable.class,
                AuditRecord.fromTag(second.tagKey(), second.content() + " mac=" + MAC)
                        .orElseThrow());
        assertEquals(second, read.record());
        assertEquals(second.sealedContent("AIDAALICE0000000001"), read.sealedContent("AIDAALICE0000000001"));
    }

    @Test
    void theLongestRecordFitsInAnIamTagValue() {
        // Two keys (IAM's most per user), restored by two backouts, each with the longest grace; the seal is 44
        // characters (HMAC_SHA_256 in base64). Key ids as AWS issues them, 20 characters (AKIA and 16): the API
        // allows 16..128 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyMetadata.html), and
        // ids up to 27 characters would still fit; a longer one is refused by AuditTrail.sealedValue.
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of(KEY_1, KEY_2), DISABLED_AT)
                .withRestored(List.of(KEY_1), RESTORED_AT.plusMillis(999), BackoutGrace.MAX_DAYS)
                .withRestored(List.of(KEY_2), RESTORED_AT.plus(Duration.ofDays(200)), BackoutGrace.MAX_DAYS);
        String value = record.content() + " mac=" + MAC;

        assertEquals(20, KEY_1.length());
        assertEquals(226, value.length(), value); // as the README says
        assertTrue(value.length() <= AuditRecord.MAX_TAG_VALUE, value.length() + " characters: " + value);
        assertTrue(IAM_TAG_VALUE.matcher(value).matches(), value);
        assertEquals(
                record,
                assertInstanceOf(
                                AuditRecord.Readable.class,
                                AuditRecord.fromTag(record.tagKey(), value).orElseThrow())
                        .record());
    }

    @Test
    void aRecordOfTheEarlierFormatReadsAsEachKeyWithTheSharedRestoreAndGraceAndIsCheckedAsWritten() {
        String content = "disabled=" + KEY_1 + "/" + KEY_2 + " at=2026-11-28T09:15:00Z restored=" + KEY_1
                + " restoredAt=2026-11-29T08:00:00Z graceUntil=2026-12-29T08:00:00Z";

        AuditRecord.Readable read = assertInstanceOf(
                AuditRecord.Readable.class,
                AuditRecord.fromTag("StaleKeyRemediation:" + EXECUTION, content + " mac=" + MAC)
                        .orElseThrow());

        assertEquals(
                List.of(new AuditRecord.Restoration(KEY_1, RESTORED_AT, 30)),
                read.record().restorations());
        assertEquals(List.of(KEY_2), read.record().outstanding());
        assertEquals(Optional.of(MAC), read.mac());
        assertEquals(
                "StaleKeyRemediation audit record v1\nuser=AIDAALICE0000000001\ntag=StaleKeyRemediation:" + EXECUTION
                        + "\n" + content,
                read.sealedContent("AIDAALICE0000000001"),
                "the seal is checked over the text as it was written");
        AuditRecord rewritten = read.record().withRestored(List.of(KEY_2), RESTORED_AT.plus(Duration.ofDays(2)), 0);
        assertEquals(List.of(new BackoutGrace.Grant(KEY_1, RESTORED_AT, GRACE_UNTIL)), rewritten.graceGrants());
        assertTrue(rewritten
                .content()
                .endsWith(" restored=" + KEY_1 + "@2026-11-29T08:00:00Z+30d/" + KEY_2 + "@2026-12-01T08:00:00Z+0d"));
    }

    @Test
    void aRecordOfTheEarlierFormatWithoutGraceGrantsNone() {
        AuditRecord.Readable read = assertInstanceOf(
                AuditRecord.Readable.class,
                AuditRecord.fromTag(
                                "StaleKeyRemediation:" + EXECUTION,
                                "disabled=" + KEY_1 + " at=2026-11-28T09:15:00Z restored=" + KEY_1
                                        + " restoredAt=2026-11-29T08:00:00Z mac=" + MAC)
                        .orElseThrow());

        assertEquals(
                List.of(new AuditRecord.Restoration(KEY_1, RESTORED_AT, 0)),
                read.record().restorations());
        assertEquals(List.of(), read.record().graceGrants());
    }

    @Test
    void aGraceThatNoBackoutCouldHaveGrantedMakesTheRecordUnreadable() {
        String tagKey = "StaleKeyRemediation:" + EXECUTION;
        for (String value : List.of(
                "disabled=" + KEY_1 + " at=2026-11-28T09:15:00Z restored=" + KEY_1 + "@2026-11-29T08:00:00Z+366d",
                "disabled=" + KEY_1 + " at=2026-11-28T09:15:00Z restored=" + KEY_1
                        + " restoredAt=2026-11-29T08:00:00Z graceUntil=2026-12-29T09:00:00Z",
                "disabled=" + KEY_1 + " at=2026-11-28T09:15:00Z restored=" + KEY_1
                        + " restoredAt=2026-11-29T08:00:00Z graceUntil=2028-11-29T08:00:00Z",
                "disabled=" + KEY_1 + " at=2026-11-28T09:15:00Z restored=" + KEY_1
                        + " restoredAt=2026-11-29T08:00:00Z graceUntil=+999999999-12-31T23:59:59Z",
                "disabled=" + KEY_1 + " at=2026-11-28T09:15:00Z restored=" + KEY_1 + "@yesterday+30d")) {
            AuditRecord.Unreadable unreadable = assertInstanceOf(
                    AuditRecord.Unreadable.class,
                    AuditRecord.fromTag(tagKey, value).orElseThrow(),
                    value);
            assertEquals(tagKey, unreadable.tagKey());
        }
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
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of(KEY_1), DISABLED_AT)
                .withRestored(List.of(KEY_1), RESTORED_AT, 0);

        assertTrue(record.content().endsWith(" restored=" + KEY_1 + "@2026-11-29T08:00:00Z+0d"), record.content());
        assertEquals(List.of(), record.graceGrants());
        assertEquals(Optional.empty(), record.lastGraceEnd());
    }

    @Test
    void restoringKeysItNeverDisabledOrAlreadyRestoredLeavesTheRecordAsItIs() {
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of(KEY_1), DISABLED_AT);
        AuditRecord restored = record.withRestored(List.of(KEY_1), RESTORED_AT, 30);

        assertSame(record, record.withRestored(List.of("AKIAOTHEROTHEROTHER1"), RESTORED_AT, 30));
        assertSame(restored, restored.withRestored(List.of(KEY_1), RESTORED_AT.plus(Duration.ofDays(1)), 0));
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
