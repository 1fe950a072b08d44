package io.github.stalekeys.keychange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

    private static final String BACKOUT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static final String USER_ID = "AIDAALICE0000000001";

    @Test
    void aRemediationRecordAndTheRestorationRecordOfItsBackoutFitInTagsAndReadBack() {
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of(KEY_1, KEY_2), DISABLED_AT);
        RestorationRecord restoration = RestorationRecord.of(record, BACKOUT, List.of(KEY_1, KEY_2), RESTORED_AT, 30);
        String recordValue = record.content() + " mac=" + MAC;
        String restorationValue = restoration.content() + " mac=" + MAC;

        assertEquals("StaleKeyRemediation:" + EXECUTION, record.tagKey());
        assertEquals("StaleKeyRemediation:" + EXECUTION + "/restored/" + BACKOUT, restoration.tagKey());
        assertTrue(restoration.tagKey().length() <= 128, "IAM's limit on a tag key");
        assertEquals("disabled=AKIAAAAAAAAAAAAAAAA1/AKIAAAAAAAAAAAAAAAA2 at=2026-11-28T09:15:00Z", record.content());
        assertEquals(
                "restored=AKIAAAAAAAAAAAAAAAA1@2026-11-29T08:00:00Z+30d/AKIAAAAAAAAAAAAAAAA2@2026-11-29T08:00:00Z+30d",
                restoration.content());
        for (String value : List.of(recordValue, restorationValue)) {
            assertTrue(value.length() <= AuditRecord.MAX_TAG_VALUE, value.length() + " characters");
            assertTrue(IAM_TAG_VALUE.matcher(value).matches(), value);
        }
        assertEquals(
                Optional.of(new AuditTags.Remediation(record, Optional.of(MAC))),
                AuditTags.read(record.tagKey(), recordValue));
        assertEquals(
                Optional.of(new AuditTags.Restorations(restoration, Optional.of(MAC))),
                AuditTags.read(restoration.tagKey(), restorationValue));
        assertTrue(restoration.restores(record));
        assertEquals(
                List.of(
                        new BackoutGrace.Grant(KEY_1, RESTORED_AT, GRACE_UNTIL),
                        new BackoutGrace.Grant(KEY_2, RESTORED_AT, GRACE_UNTIL)),
                restoration.graceGrants());
        assertEquals(Optional.of(GRACE_UNTIL), restoration.lastGraceEnd());
    }

    @Test
    void aRecordAndARestorationAreSealedUnderFormatsOfTheirOwnBoundToUserAndTag() {
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of(KEY_1), DISABLED_AT);
        RestorationRecord restoration = RestorationRecord.of(record, BACKOUT, List.of(KEY_1), RESTORED_AT, 0);

        assertEquals(
                "StaleKeyRemediation audit record v1\nuser=" + USER_ID + "\ntag=" + record.tagKey() + "\n"
                        + record.content(),
                record.sealedContent(USER_ID));
        assertEquals(
                "StaleKeyRemediation restoration record v1\nuser=" + USER_ID + "\ntag=" + restoration.tagKey() + "\n"
                        + restoration.content(),
                restoration.sealedContent(USER_ID));
        assertEquals(List.of(), restoration.graceGrants(), "no grace: none granted");
        assertEquals(Optional.empty(), restoration.lastGraceEnd());
    }

    @Test
    void theLongestTagsFitInAnIamTagValue() {
        // Two keys (IAM's most per user), each with the longest grace; the seal is 44 characters (HMAC_SHA_256 in
        // base64). Key ids as AWS issues them, 20 characters (AKIA and 16): the API allows 16..128
        // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyMetadata.html); a longer id that no
        // longer fits is refused by AuditTrail.sealedValue. A record of the earlier format, with its restorations
        // inside, is the longest the backout still reads.
        AuditRecord record = AuditRecord.disabled(EXECUTION, List.of(KEY_1, KEY_2), DISABLED_AT);
        RestorationRecord restoration = new RestorationRecord(
                EXECUTION,
                BACKOUT,
                List.of(
                        new AuditRecord.Restoration(KEY_1, RESTORED_AT.plusMillis(999), BackoutGrace.MAX_DAYS),
                        new AuditRecord.Restoration(
                                KEY_2, RESTORED_AT.plus(Duration.ofDays(200)), BackoutGrace.MAX_DAYS)));
        AuditRecord earlier =
                new AuditRecord(EXECUTION, record.disabledKeyIds(), DISABLED_AT, restoration.restorations());

        assertEquals(20, KEY_1.length());
        assertEquals(123, (record.content() + " mac=" + MAC).length());
        assertEquals(151, (restoration.content() + " mac=" + MAC).length());
        String value = earlier.content() + " mac=" + MAC;
        assertEquals(226, value.length(), value);
        assertTrue(IAM_TAG_VALUE.matcher(value).matches(), value);
        assertEquals(
                earlier,
                assertInstanceOf(
                                AuditTags.Remediation.class,
                                AuditTags.read(record.tagKey(), value).orElseThrow())
                        .record());
    }

    @Test
    void aRecordNarrowedToTheKeysReallyDisabledNamesOnlyThoseAndKeepsTheirRestorations() {
        AuditRecord earlier = new AuditRecord(
                EXECUTION,
                List.of(KEY_1, KEY_2),
                DISABLED_AT,
                List.of(new AuditRecord.Restoration(KEY_2, RESTORED_AT, 30)));

        assertEquals(AuditRecord.disabled(EXECUTION, List.of(KEY_1), DISABLED_AT), earlier.narrowedTo(List.of(KEY_1)));
        assertEquals(earlier, earlier.narrowedTo(List.of(KEY_1, KEY_2)));
        assertEquals(List.of(KEY_2), earlier.narrowedTo(List.of(KEY_2)).restoredKeyIds());
        RestorationRecord restoration = RestorationRecord.of(earlier, BACKOUT, List.of(KEY_1, KEY_2), RESTORED_AT, 30);
        assertEquals(
                List.of(KEY_2),
                restoration.narrowedTo(List.of(KEY_2)).orElseThrow().restoredKeyIds());
        assertEquals(Optional.empty(), restoration.narrowedTo(List.of()));
    }

    @Test
    void aRestorationTagWhoseValueIsNotOursIsUnreadable() {
        String tagKey = "StaleKeyRemediation:" + EXECUTION + "/restored/" + BACKOUT;
        for (String value : List.of(
                "disabled=" + KEY_1 + " at=2026-11-28T09:15:00Z",
                "restored=" + KEY_1 + "@2026-11-29T08:00Z+30d",
                "restored=" + KEY_1 + "@2026-11-29T08:00:00Z+366d",
                "restored=" + KEY_1 + "@yesterday+30d",
                "restored=")) {
            assertInstanceOf(
                    AuditTags.Unreadable.class, AuditTags.read(tagKey, value).orElseThrow(), value);
        }
        assertInstanceOf(
                AuditTags.Unreadable.class,
                AuditTags.read(
                                "StaleKeyRemediation:/restored/" + BACKOUT,
                                "restored=" + KEY_1 + "@2026-11-29T08:00:00Z+1d")
                        .orElseThrow());
        assertTrue(AuditTags.read(tagKey, "restored=" + KEY_1 + "@2026-11-29T08:00:00Z+1d")
                .orElseThrow()
                .mac()
                .isEmpty());
    }

    @Test
    void aRecordOfTheEarlierFormatReadsAsEachKeyWithTheSharedRestoreAndGraceAndIsCheckedAsWritten() {
        String content = "disabled=" + KEY_1 + "/" + KEY_2 + " at=2026-11-28T09:15:00Z restored=" + KEY_1
                + " restoredAt=2026-11-29T08:00:00Z graceUntil=2026-12-29T08:00:00Z";

        AuditTags.Remediation read = assertInstanceOf(
                AuditTags.Remediation.class,
                AuditTags.read("StaleKeyRemediation:" + EXECUTION, content + " mac=" + MAC)
                        .orElseThrow());

        assertEquals(
                List.of(new AuditRecord.Restoration(KEY_1, RESTORED_AT, 30)),
                read.record().restorations());
        assertEquals(List.of(KEY_1), read.record().restoredKeyIds());
        assertEquals(Optional.of(MAC), read.mac());
        assertEquals(
                "StaleKeyRemediation audit record v1\nuser=AIDAALICE0000000001\ntag=StaleKeyRemediation:" + EXECUTION
                        + "\n" + content,
                read.sealedContent("AIDAALICE0000000001"),
                "the seal is checked over the text as it was written");
        assertEquals(
                List.of(new BackoutGrace.Grant(KEY_1, RESTORED_AT, GRACE_UNTIL)),
                read.record().graceGrants());
    }

    @Test
    void aRecordOfTheEarlierFormatWithoutGraceGrantsNone() {
        AuditTags.Remediation read = assertInstanceOf(
                AuditTags.Remediation.class,
                AuditTags.read(
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
            AuditTags.Unreadable unreadable = assertInstanceOf(
                    AuditTags.Unreadable.class, AuditTags.read(tagKey, value).orElseThrow(), value);
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
    void otherTagsAreNotRecords() {
        assertEquals(Optional.empty(), AuditTags.read("team", "payments"));
    }

    @Test
    void anUnreadableRecordIsReportedByItsKeyWithoutItsValue() {
        AuditTags.Read read = AuditTags.read("StaleKeyRemediation:" + EXECUTION, "edited by hand")
                .orElseThrow();
        AuditTags.Read badDate = AuditTags.read(
                        "StaleKeyRemediation:" + EXECUTION, "disabled=AKIAAAAAAAAAAAAAAAA1 at=yesterday")
                .orElseThrow();

        AuditTags.Unreadable unreadable = assertInstanceOf(AuditTags.Unreadable.class, read);
        assertEquals("StaleKeyRemediation:" + EXECUTION, unreadable.tagKey());
        assertFalse(unreadable.problem().contains("edited"));
        assertInstanceOf(AuditTags.Unreadable.class, badDate);
    }

    @Test
    void aRestorationTagReadBackNamesItsTagAndTheTextItsSealCovers() {
        String tagKey = "StaleKeyRemediation:" + EXECUTION + "/restored/" + BACKOUT;
        AuditTags.Read read = AuditTags.read(tagKey, "restored=" + KEY_1 + "@2026-11-29T08:00:00Z+30d mac=" + MAC)
                .orElseThrow();

        assertEquals(tagKey, read.tagKey());
        assertEquals(Optional.of(MAC), read.mac());
        assertEquals(
                "StaleKeyRemediation restoration record v1\nuser=" + USER_ID + "\ntag=" + tagKey + "\nrestored=" + KEY_1
                        + "@2026-11-29T08:00:00Z+30d",
                read.sealedContent(USER_ID));
        RestorationRecord record = ((AuditTags.Restorations) read).record();
        assertEquals(EXECUTION, record.remediationExecutionId());
        assertEquals(BACKOUT, record.backoutExecutionId());
        assertEquals(List.of(KEY_1), record.restoredKeyIds());
    }

    @Test
    void aRestorationWithNoKeyIsNotARecord() {
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new RestorationRecord(EXECUTION, BACKOUT, List.of()));
        assertInstanceOf(
                AuditTags.Unreadable.class,
                AuditTags.read(
                                "StaleKeyRemediation:" + EXECUTION + "/restored/",
                                "restored=" + KEY_1 + "@2026-11-29T08:00:00Z+1d")
                        .orElseThrow());
        org.junit.jupiter.api.Assertions.assertThrows(
                UnsupportedOperationException.class,
                () -> AuditTags.read("StaleKeyRemediation:x", "junk")
                        .orElseThrow()
                        .sealedContent(USER_ID));
    }
}
