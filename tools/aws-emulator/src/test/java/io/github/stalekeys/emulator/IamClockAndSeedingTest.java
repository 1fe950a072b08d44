package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class IamClockAndSeedingTest {

    private static void assertAbout(Instant expected, Instant actual) {
        long gap = Math.abs(Duration.between(expected, actual).toSeconds());
        assertTrue(gap < 120, () -> "expected about " + expected + " but was " + actual);
    }

    @Test
    void shiftedClockBackdatesKeyCreationAndUseKeyAtBackdatesLastUse(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            iam.createUser(r -> r.userName("alice"));
            emulator.shiftClock(Duration.ofDays(-200));
            AccessKey key = iam.createAccessKey(r -> r.userName("alice")).accessKey();
            emulator.shiftClock(Duration.ZERO);

            Instant now = Instant.now();
            assertAbout(now.minus(200, ChronoUnit.DAYS), key.createDate());
            assertAbout(
                    now.minus(200, ChronoUnit.DAYS),
                    iam.listAccessKeys(r -> r.userName("alice"))
                            .accessKeyMetadata()
                            .get(0)
                            .createDate());
            AccessKeyLastUsed neverUsed = iam.getAccessKeyLastUsed(r -> r.accessKeyId(key.accessKeyId()))
                    .accessKeyLastUsed();
            assertNull(neverUsed.lastUsedDate());
            assertEquals("N/A", neverUsed.serviceName());

            emulator.useKeyAt(key.accessKeyId(), key.secretAccessKey(), now.minus(143, ChronoUnit.DAYS));

            AccessKeyLastUsed used = iam.getAccessKeyLastUsed(r -> r.accessKeyId(key.accessKeyId()))
                    .accessKeyLastUsed();
            assertAbout(now.minus(143, ChronoUnit.DAYS), used.lastUsedDate());
            assertEquals("sts", used.serviceName());
            // useKeyAt restores the clock: a key created now is dated now.
            iam.createUser(r -> r.userName("bob"));
            assertAbout(
                    Instant.now(),
                    iam.createAccessKey(r -> r.userName("bob")).accessKey().createDate());
        }
    }

    @Test
    void seedingSetsCreateAndLastUsedDatesAndCanClearLastUse(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            iam.createUser(r -> r.userName("carol"));
            String keyId =
                    iam.createAccessKey(r -> r.userName("carol")).accessKey().accessKeyId();
            Instant created = Instant.parse("2024-01-02T03:04:05Z");
            Instant lastUsed = Instant.parse("2024-06-07T08:09:10Z");

            emulator.seedKeyActivity(keyId, created, lastUsed);

            assertEquals(
                    created,
                    iam.listAccessKeys(r -> r.userName("carol"))
                            .accessKeyMetadata()
                            .get(0)
                            .createDate());
            AccessKeyLastUsed used =
                    iam.getAccessKeyLastUsed(r -> r.accessKeyId(keyId)).accessKeyLastUsed();
            assertEquals(lastUsed, used.lastUsedDate());
            assertEquals("s3", used.serviceName());
            assertEquals("us-east-1", used.region());

            emulator.seedKeyActivity(keyId, created, null);
            assertNull(iam.getAccessKeyLastUsed(r -> r.accessKeyId(keyId))
                    .accessKeyLastUsed()
                    .lastUsedDate());
        }
    }

    @Test
    void seedingAnUnknownKeyIsRejected(AwsEmulator emulator) {
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class,
                () -> emulator.seedKeyActivity("AKIADOESNOTEXIST0000", Instant.now(), null));
        assertTrue(error.getMessage().contains("AKIADOESNOTEXIST0000"), error.getMessage());
    }

    @Test
    void userIdsAreShapedLikeAws(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            String userId = iam.createUser(r -> r.userName("dave")).user().userId();
            assertTrue(userId.matches("AIDA[A-Z0-9]{17}"), userId);
        }
    }
}
