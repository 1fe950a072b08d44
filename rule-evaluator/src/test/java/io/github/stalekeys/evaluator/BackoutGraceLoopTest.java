package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.StoredEvaluation;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.remediation.RemediationFunction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;

/**
 * The whole loop with automatic remediation: the rule flags a user, the remediation disables the key, an
 * operator backs it out, and the restored key is neither reported nor disabled again until its grace ends,
 * by itself. The backout's tag write is a configuration change of the user, so Config re-evaluates it within
 * minutes (a change event): that evaluation must honour the grace too.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class BackoutGraceLoopTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\"}";

    @Test
    void aRestoredKeyIsLeftAloneUntilItsGraceEndsThenReportedAndDisabledAgain(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        SeededUser alice = loop.seeder.user("alice");
        SeededKey key = loop.seeder.keyUsed(alice, 143);

        assertEquals("NON_COMPLIANT", loop.evaluateAll(alice).complianceType());
        JsonNode disabled = loop.remediation.invoke(disablePayload(alice.userId()));
        assertEquals("DISABLED", disabled.get("outcome").asText());
        assertEquals("Inactive", loop.seeder.status(alice, key));

        JsonNode restored = loop.remediation.invoke(restorePayload("alice")); // the runbook's default grace
        LocalDate graceEnd = LocalDate.ofInstant(loop.clock.instant().plus(Duration.ofDays(30)), ZoneOffset.UTC);
        assertEquals(key.accessKeyId(), restored.get("restoredKeyIds").get(0).asText());
        assertEquals("Active", loop.seeder.status(alice, key));

        StoredEvaluation afterChange = loop.evaluateChanged(alice);
        StoredEvaluation periodic = loop.evaluateAll(alice);
        JsonNode again = loop.remediation.invoke(disablePayload(alice.userId()));

        assertEquals("COMPLIANT", afterChange.complianceType(), afterChange.annotation());
        assertEquals("COMPLIANT", periodic.complianceType(), periodic.annotation());
        assertTrue(
                periodic.annotation().contains(key.accessKeyId() + " restored by a backout on ")
                        && periodic.annotation().contains("not reported until " + graceEnd),
                periodic.annotation());
        assertEquals("NOTHING_STALE", again.get("outcome").asText(), again.toString());
        assertTrue(again.get("skippedKeys").get(0).get("reason").asText().contains("left alone until " + graceEnd));
        assertEquals("Active", loop.seeder.status(alice, key));

        loop.advance(Duration.ofDays(31));

        StoredEvaluation afterGrace = loop.evaluateAll(alice);
        JsonNode remediatedAgain = loop.remediation.invoke(disablePayload(alice.userId()));
        assertEquals("NON_COMPLIANT", afterGrace.complianceType(), afterGrace.annotation());
        assertEquals("DISABLED", remediatedAgain.get("outcome").asText());
        assertEquals("Inactive", loop.seeder.status(alice, key));
    }

    /**
     * A disable and its backout land while a periodic run is between its listing (which brought alice's tags, no
     * grace yet) and her live confirmation (which sees the key Active again): the grace the backout recorded before
     * re-enabling the key must still be read, so the tags behind a grace are read after the keys.
     */
    @Test
    void aBackoutBetweenTheListingAndTheLiveConfirmationIsHonoured(AwsEmulator emulator) throws Exception {
        Loop loop = new Loop(emulator);
        SeededUser alice = loop.seeder.user("alice");
        SeededKey key = loop.seeder.keyUsed(alice, 143);

        StoredEvaluation periodic = loop.disableAndBackOutWhileItListsTheKeys(
                alice,
                () -> loop.evaluateAll(alice),
                () -> assertEquals(
                        1, emulator.callCounts().get("iam:GetAccountAuthorizationDetails"), "listed, tags read"));

        assertEquals("Active", loop.seeder.status(alice, key));
        assertEquals("COMPLIANT", periodic.complianceType(), periodic.annotation());
        assertTrue(
                periodic.annotation().contains(key.accessKeyId() + " restored by a backout on "),
                periodic.annotation());
    }

    /** The same for a change event: it lists the keys, then reads the user, whose tags then hold the grace. */
    @Test
    void aBackoutWhileAChangeEventListsTheKeysIsHonoured(AwsEmulator emulator) throws Exception {
        Loop loop = new Loop(emulator);
        SeededUser alice = loop.seeder.user("alice");
        SeededKey key = loop.seeder.keyUsed(alice, 143);

        StoredEvaluation changed =
                loop.disableAndBackOutWhileItListsTheKeys(alice, () -> loop.evaluateChanged(alice), () -> {});

        assertEquals("Active", loop.seeder.status(alice, key));
        assertEquals("COMPLIANT", changed.complianceType(), changed.annotation());
        assertTrue(
                changed.annotation().contains(key.accessKeyId() + " restored by a backout on "), changed.annotation());
    }

    @Test
    void aSecondBackoutOfTheOtherKeyLeavesTheFirstKeysGraceAsItWas(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        SeededUser alice = loop.seeder.user("alice");
        SeededKey first = loop.seeder.keyUsed(alice, 143);
        SeededKey second = loop.seeder.keyUsed(alice, 120);
        loop.remediation.invoke(disablePayload(alice.userId())); // one record holds both keys
        loop.remediation.invoke(restorePayload("alice").put("accessKeyIds", first.accessKeyId()));
        LocalDate graceEnd = LocalDate.ofInstant(loop.clock.instant().plus(Duration.ofDays(30)), ZoneOffset.UTC);
        loop.advance(Duration.ofDays(2));

        loop.remediation.invoke(restorePayload("alice")
                .put("accessKeyIds", second.accessKeyId())
                .put("graceDays", "0"));
        StoredEvaluation periodic = loop.evaluateAll(alice);
        JsonNode nextRun = loop.remediation.invoke(disablePayload(alice.userId()));

        assertEquals("NON_COMPLIANT", periodic.complianceType(), periodic.annotation());
        assertTrue(periodic.annotation().contains(second.accessKeyId()), periodic.annotation());
        assertTrue(
                periodic.annotation().contains(first.accessKeyId() + " restored by a backout on ")
                        && periodic.annotation().contains("not reported until " + graceEnd),
                periodic.annotation());
        assertEquals(second.accessKeyId(), nextRun.get("disabledKeyIds").get(0).asText(), nextRun.toString());
        assertEquals(1, nextRun.get("disabledKeyIds").size(), nextRun.toString());
        assertEquals("Active", loop.seeder.status(alice, first));
        assertEquals("Inactive", loop.seeder.status(alice, second));
    }

    @Test
    void aKeyUsedAfterItsRestoreIsJudgedByTheNormalRule(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        SeededUser alice = loop.seeder.user("alice");
        SeededKey key = loop.seeder.keyUsed(alice, 143);
        loop.remediation.invoke(disablePayload(alice.userId()));
        loop.remediation.invoke(restorePayload("alice").put("graceDays", "365"));
        Instant usedOnce = loop.clock.instant().plus(Duration.ofDays(1));
        emulator.seedKeyActivity(key.accessKeyId(), usedOnce.minus(Duration.ofDays(900)), usedOnce);

        loop.advance(Duration.ofDays(100)); // unused 99 days since that use, well within the year's grace

        StoredEvaluation verdict = loop.evaluateAll(alice);
        assertEquals("NON_COMPLIANT", verdict.complianceType(), verdict.annotation());
    }

    @Test
    void aGraceATaggerWritesThemselvesIsIgnored(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        SeededUser mallory = loop.seeder.user("mallory");
        SeededKey key = loop.seeder.keyUsed(mallory, 143);
        Instant now = loop.clock.instant();
        String forged = "disabled=" + key.accessKeyId() + " at=" + now.minus(Duration.ofDays(2)) + " restored="
                + key.accessKeyId() + " restoredAt=" + now.minus(Duration.ofDays(1)) + " graceUntil="
                + now.plus(Duration.ofDays(300)) + " mac=" + "A".repeat(43) + "=";
        emulator.iamClient()
                .tagUser(tag -> tag.userName("mallory")
                        .tags(t -> t.key("StaleKeyRemediation:" + UUID.randomUUID())
                                .value(forged)));

        assertEquals("NON_COMPLIANT", loop.evaluateAll(mallory).complianceType());
        assertEquals(
                "DISABLED",
                loop.remediation
                        .invoke(disablePayload(mallory.userId()))
                        .get("outcome")
                        .asText());
    }

    /** The rule and the remediation of one deployment on the emulator, sharing one clock with IAM. */
    private static final class Loop {

        final AwsEmulator emulator;
        final SteppingClock clock = new SteppingClock(Instant.now());
        final IamSeeder seeder;
        final AccessKeyComplianceHandler rule;
        final RemediationFunction remediation;
        private Duration shifted = Duration.ZERO;

        Loop(AwsEmulator emulator) {
            this.emulator = emulator;
            AwsClients clients =
                    AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint());
            String auditKey = emulator.createHmacKey();
            this.seeder = new IamSeeder(emulator, Clock.fixed(clock.instant(), ZoneOffset.UTC));
            this.rule = new AccessKeyComplianceHandler(
                    clients,
                    clock,
                    clock,
                    new StructuredLogger(
                            "rule-evaluator",
                            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                            clock),
                    EvaluatorSettings.DEFAULTS.withAuditRecordKey(auditKey));
            // The remediation reads its threshold and exemptions from the same rule the evaluator runs as.
            emulator.putConfigRule(EvaluatorHarness.RULE_NAME, PARAMETERS);
            this.remediation = new RemediationFunction(clients, EvaluatorHarness.RULE_NAME, auditKey, clock);
        }

        /**
         * Starts {@code rule} and holds it at its first {@code ListAccessKeys}; meanwhile ({@code atHold} checks where
         * it stands) the remediation disables the user's stale key and the backout restores it; then lets it go on.
         */
        StoredEvaluation disableAndBackOutWhileItListsTheKeys(
                SeededUser user, java.util.concurrent.Callable<StoredEvaluation> rule, Runnable atHold)
                throws Exception {
            try (java.util.concurrent.ExecutorService running =
                            java.util.concurrent.Executors.newSingleThreadExecutor();
                    io.github.stalekeys.emulator.HeldCall keys = emulator.hold("iam:ListAccessKeys", 1)) {
                java.util.concurrent.Future<StoredEvaluation> run = running.submit(rule);
                keys.awaitHeld();
                atHold.run();
                assertEquals(
                        "DISABLED",
                        remediation
                                .invoke(disablePayload(user.userId()))
                                .get("outcome")
                                .asText());
                remediation.invoke(restorePayload(user.userName()));
                keys.release();
                return run.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }

        /** Moves the functions' clock and IAM's together. */
        void advance(Duration duration) {
            clock.sleep(duration);
            shifted = shifted.plus(duration);
            emulator.shiftClock(shifted);
        }

        StoredEvaluation evaluateAll(SeededUser user) {
            return run(
                    EvaluatorHarness.scheduledEvent(
                            emulator.registerResultToken(EvaluatorHarness.RULE_NAME), PARAMETERS),
                    user);
        }

        StoredEvaluation evaluateChanged(SeededUser user) {
            ConfigRuleEvent event = EvaluatorHarness.scheduledEvent(
                    emulator.registerResultToken(EvaluatorHarness.RULE_NAME), PARAMETERS);
            event.setInvokingEvent(String.format(
                    "{\"messageType\": \"ConfigurationItemChangeNotification\", \"configurationItem\": {"
                            + "\"resourceType\": \"AWS::IAM::User\", \"resourceId\": \"%s\", \"resourceName\": \"%s\","
                            + " \"configurationItemStatus\": \"OK\", \"configurationItemCaptureTime\": \"%s\"}}",
                    user.userId(), user.userName(), Instant.now()));
            return run(event, user);
        }

        private StoredEvaluation run(ConfigRuleEvent event, SeededUser user) {
            rule.handleRequest(event, TestContext.withRemaining(Duration.ofMinutes(5)));
            List<StoredEvaluation> stored = emulator.storedEvaluations(EvaluatorHarness.RULE_NAME).stream()
                    .filter(evaluation -> evaluation.resourceId().equals(user.userId()))
                    .toList();
            return stored.get(stored.size() - 1);
        }
    }

    private static ObjectNode disablePayload(String userId) {
        return JSON.createObjectNode()
                .put("action", "DISABLE_STALE_KEYS")
                .put("userId", userId)
                .put("maxAccessKeyAgeDays", "90")
                .put("dryRun", "false")
                .put("exemptUsers", "")
                .put("exemptionTagKey", "")
                .put("automationExecutionId", UUID.randomUUID().toString());
    }

    private static ObjectNode restorePayload(String userName) {
        return JSON.createObjectNode()
                .put("action", "RESTORE_KEYS")
                .put("userName", userName)
                .put("accessKeyIds", "")
                .put("remediationExecutionId", "")
                .put("automationExecutionId", UUID.randomUUID().toString());
    }
}
