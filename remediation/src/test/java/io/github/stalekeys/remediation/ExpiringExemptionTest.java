package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The remediation honours the exemption tag's expiry exactly as the rule does (the same policy code). */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class ExpiringExemptionTest {

    private static JsonNode remediate(RemediationHarness harness, SeededUser user) {
        return harness.invoke(
                RemediationHarness.disablePayload(user.userId()).put("exemptionTagKey", "KeyRotationExempt"));
    }

    @Test
    void aLapsedExemptionNoLongerProtectsTheKey(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser user = harness.account.userTagged("legacy-etl", "KeyRotationExempt", "until 2025-01-31 CHG-88");
        SeededKey key = harness.account.keyUsed(user, 200);

        JsonNode result = remediate(harness, user);

        assertEquals("DISABLED", result.path("outcome").asText());
        assertEquals("Inactive", harness.account.status(user, key));
    }

    @Test
    void anExemptionUntilAFutureDateProtectsTheKey(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser user = harness.account.userTagged("break-glass", "KeyRotationExempt", "until 2099-12-31 INC-1");
        SeededKey key = harness.account.keyUsed(user, 200);

        JsonNode result = remediate(harness, user);

        assertEquals("EXEMPT", result.path("outcome").asText());
        assertTrue(result.path("message").asText().contains("until 2099-12-31"), result.toString());
        assertEquals("Active", harness.account.status(user, key));
    }

    @Test
    void anUnreadableDateDoesNotExemptTheUser(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser user = harness.account.userTagged("break-glass", "KeyRotationExempt", "until 31/12/2099");
        SeededKey key = harness.account.keyUsed(user, 200);

        JsonNode result = remediate(harness, user);

        assertEquals("DISABLED", result.path("outcome").asText(), result.toString());
        assertEquals("Inactive", harness.account.status(user, key));
    }
}
