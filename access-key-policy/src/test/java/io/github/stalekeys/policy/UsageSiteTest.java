package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsageSiteTest {

    @Test
    void iamPlaceholdersMeanNoSite() {
        assertTrue(UsageSite.recorded("N/A", "N/A").isEmpty());
        assertTrue(UsageSite.recorded("n/a", "us-east-1").isEmpty());
        assertTrue(UsageSite.recorded("no_information", null).isEmpty());
        assertTrue(UsageSite.recorded(null, "us-east-1").isEmpty());
        assertTrue(UsageSite.recorded(" ", "us-east-1").isEmpty());
    }

    @Test
    void aGlobalServiceHasNoRegion() {
        UsageSite iam = UsageSite.recorded("iam", "N/A").orElseThrow();
        assertEquals(Optional.empty(), iam.region());
        assertEquals("iam", iam.toString());
        assertEquals(
                "s3 in eu-west-1",
                UsageSite.recorded("s3", "eu-west-1").orElseThrow().toString());
    }

    @Test
    void aSiteNeedsAService() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> new UsageSite("N/A", Optional.empty()));
        assertTrue(error.getMessage().contains("service"), error.getMessage());
    }

    @Test
    void aKeyNeverUsedHasNoSiteWhateverTheSourceSays() {
        AccessKeyActivity key = new AccessKeyActivity(
                "AKIAEXAMPLE",
                KeyStatus.ACTIVE,
                Instant.parse("2025-01-01T00:00:00Z"),
                Optional.empty(),
                UsageSite.recorded("s3", "us-east-1"));
        assertEquals(Optional.empty(), key.lastUsedAt());
    }
}
