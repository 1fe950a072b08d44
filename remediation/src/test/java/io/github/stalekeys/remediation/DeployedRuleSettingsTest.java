package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The remediation takes the deployed threshold and exemptions from the live Config rule it serves
 * ({@code CONFIG_RULE_NAME}), read at each run: a template parameter given to the function would never reach the
 * published version the runbooks invoke (SAM hashes {@code !Ref} properties as written,
 * aws/serverless-application-model#1640 and #3820), while the rule's parameters are updated in place.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class DeployedRuleSettingsTest {

    @Test
    void aLowerThresholdInThePayloadIsRaisedToTheRules(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(120, "", ""));
        SeededUser alice = harness.account.user("alice");
        SeededKey usedLately = harness.account.keyUsed(alice, 100);

        JsonNode result =
                harness.invoke(RemediationHarness.disablePayload(alice.userId()).put("maxAccessKeyAgeDays", "30"));

        assertEquals("NOTHING_STALE", result.get("outcome").asText());
        assertTrue(result.get("message").asText().contains("120 days"), result.toString());
        assertEquals("Active", harness.account.status(alice, usedLately));
        assertTrue(harness.logText().contains(RemediationHarness.RULE_NAME), "the log names the rule it followed");
    }

    @Test
    void theRulesExemptionsApplyBesideThePayloads(AwsEmulator emulator) {
        RemediationHarness harness =
                new RemediationHarness(emulator, RemediationHarness.deployed(90, "breakglass", "KeyRotationExempt"));
        SeededUser breakGlass = harness.account.user("breakglass");
        SeededKey key = harness.account.keyUsed(breakGlass, 400);
        SeededUser tagged = harness.account.userTagged("ops", "KeyRotationExempt", "INC-1");
        SeededKey taggedKey = harness.account.keyUsed(tagged, 400);

        // The payload names exemptions of its own: the rule's are added, not replaced.
        JsonNode listed = harness.invoke(RemediationHarness.disablePayload(breakGlass.userId())
                .put("exemptUsers", "someone-else")
                .put("exemptionTagKey", "OtherTag"));
        JsonNode byTag = harness.invoke(RemediationHarness.disablePayload(tagged.userId())
                .put("exemptUsers", "someone-else")
                .put("exemptionTagKey", "OtherTag"));

        assertEquals("EXEMPT", listed.get("outcome").asText());
        assertEquals("EXEMPT", byTag.get("outcome").asText());
        assertEquals("Active", harness.account.status(breakGlass, key));
        assertEquals("Active", harness.account.status(tagged, taggedKey));
    }

    @Test
    void theRemediationFollowsTheRuleWhenItsParametersChangeAfterDeployment(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""));
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 120);
        SeededUser bob = harness.account.user("bob");
        SeededKey bobsKey = harness.account.keyUsed(bob, 400);

        // The rule is updated in place (a stack update, or someone's put-config-rule): 180 days, bob exempt.
        emulator.putConfigRule(
                RemediationHarness.RULE_NAME, "{\"maxAccessKeyAgeDays\":\"180\",\"exemptUsers\":\"bob\"}");
        JsonNode at180 = harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        JsonNode bobAt180 = harness.invoke(RemediationHarness.disablePayload(bob.userId()));

        assertEquals("NOTHING_STALE", at180.get("outcome").asText(), "the rule calls a key unused 120 days compliant");
        assertEquals("Active", harness.account.status(alice, key));
        assertEquals("EXEMPT", bobAt180.get("outcome").asText());
        assertEquals("Active", harness.account.status(bob, bobsKey));

        // And back down to 100 days, without bob: the same function instance follows at its next run.
        emulator.putConfigRule(RemediationHarness.RULE_NAME, "{\"maxAccessKeyAgeDays\":\"100\"}");
        JsonNode at100 = harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        JsonNode bobAt100 = harness.invoke(RemediationHarness.disablePayload(bob.userId()));

        assertEquals("DISABLED", at100.get("outcome").asText(), at100.toString());
        assertEquals("Inactive", harness.account.status(alice, key));
        assertEquals("DISABLED", bobAt100.get("outcome").asText(), bobAt100.toString());
    }

    @Test
    void aMissingRuleFailsNamingItAndChangesNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""));
        emulator.reset(); // forgets the rule (and the audit key: the run must stop before needing either)

        assertFailsClosed(harness, emulator, "does not exist");
    }

    @Test
    void aDeniedReadFailsNamingTheRuleAndChangesNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""));
        emulator.denyConfigCalls("DescribeConfigRules");

        assertFailsClosed(harness, emulator, "AccessDeniedException");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"maxAccessKeyAgeDays\":\"ninety\"}",
                "{\"maxAccessKeyAgeDays\":\"0\"}",
                "{\"maxAgeDays\":\"180\"}",
                "{\"exemptUsers\":\"alice;bob\"}",
                "{\"maxAccessKeyAgeDays\":\"90\"",
                "[\"maxAccessKeyAgeDays\"]"
            })
    void unreadableRuleParametersFailNamingTheRuleAndChangeNothing(String parameters, AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""));
        emulator.putConfigRule(RemediationHarness.RULE_NAME, parameters);

        assertFailsClosed(harness, emulator, "input parameters are unreadable");
    }

    /** A stale key's remediation fails with the rule and {@code why} named, before any IAM or KMS call. */
    private static void assertFailsClosed(RemediationHarness harness, AwsEmulator emulator, String why) {
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 400);
        emulator.resetCallCounts();

        RuleSettingsUnavailableException error = assertThrows(
                RuleSettingsUnavailableException.class,
                () -> harness.invoke(RemediationHarness.disablePayload(alice.userId())));
        assertNoIamCall(emulator);

        assertTrue(error.getMessage().contains("'" + RemediationHarness.RULE_NAME + "'"), error.getMessage());
        assertTrue(error.getMessage().contains(why), error.getMessage());
        assertTrue(error.getMessage().endsWith("Nothing was changed"), error.getMessage());
        assertEquals("Active", harness.account.status(alice, stale));
    }

    @Test
    void absentRuleParametersMeanTheRulesDefaultsAsTheRuleReadsThem(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""));
        emulator.putConfigRule(RemediationHarness.RULE_NAME, null);
        SeededUser alice = harness.account.user("alice");
        SeededKey usedLately = harness.account.keyUsed(alice, 80);

        JsonNode result =
                harness.invoke(RemediationHarness.disablePayload(alice.userId()).put("maxAccessKeyAgeDays", "1"));

        assertEquals("NOTHING_STALE", result.get("outcome").asText(), "the rule's default, 90 days, is the floor");
        assertEquals("Active", harness.account.status(alice, usedLately));
    }

    @Test
    void eachRemediationAndEachBackoutReadsTheRuleOnce(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""));
        SeededUser alice = harness.account.user("alice");
        harness.account.keyUsed(alice, 400);
        emulator.resetCallCounts();

        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        assertEquals(1L, emulator.callCounts().get("config:DescribeConfigRules"));

        emulator.resetCallCounts();
        harness.invoke(RemediationHarness.restorePayload("alice"));
        assertEquals(1L, emulator.callCounts().get("config:DescribeConfigRules"), "for the owner in the notices");
    }

    @Test
    void aBackoutThatCannotReadTheRuleStillRestoresAndSaysTheOwnerIsUnknown(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""));
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 400);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        emulator.denyConfigCalls("DescribeConfigRules");

        JsonNode restored = harness.invoke(RemediationHarness.restorePayload("alice"));

        assertEquals("Active", harness.account.status(alice, key));
        assertEquals("UNKNOWN", restored.get("ownerStatus").asText());
        assertTrue(restored.get("owner").isNull(), restored.toString());
        assertTrue(harness.logText().contains("owner not known"), harness.logText());
    }

    private static void assertNoIamCall(AwsEmulator emulator) {
        Map<String, Long> calls = emulator.callCounts();
        assertTrue(
                calls.keySet().stream().noneMatch(call -> call.startsWith("iam:") || call.startsWith("kms:")),
                "nothing is read or changed before the rule's settings are known: " + calls);
    }
}
