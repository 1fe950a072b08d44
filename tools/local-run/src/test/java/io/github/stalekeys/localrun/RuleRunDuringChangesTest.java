package io.github.stalekeys.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.HeldCall;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.StoredEvaluation;
import io.github.stalekeys.localruntime.LambdaPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rule's periodic run between any two AWS calls of a backout, or of a remediation, both from their deployment packages in fresh
 * JVMs (the emulator holds the backout's n-th call while the rule runs): the rule never reports the key being
 * restored non-compliant, which would set Config's automatic remediation on it. Before the backout's grace is on
 * record the key is still Inactive; once it is Active again, its grace is on record. During a remediation the rule
 * reports the key as it is at that moment: non-compliant while still Active, compliant once Inactive.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class RuleRunDuringChangesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\"}";

    @Test
    void aRuleRunBetweenAnyTwoCallsOfABackoutNeverReportsTheRestoredKeyNonCompliant(AwsEmulator emulator)
            throws Exception {
        LocalDemo.Artifacts artifacts =
                LocalDemo.Artifacts.inProject(Path.of("").toAbsolutePath());
        emulator.putConfigRule(LocalDemo.RULE_NAME, PARAMETERS);
        Map<String, String> env = emulator.functionEnvironment(LocalDemo.RULE_NAME);
        LambdaPackage rule = LambdaPackage.unpack(
                artifacts.evaluatorZip(), LocalDemo.EVALUATOR_HANDLER, artifacts.runtimeJar(), 512, 300);
        LambdaPackage remediation = LambdaPackage.unpack(
                artifacts.remediationZip(), LocalDemo.REMEDIATION_HANDLER, artifacts.runtimeJar(), 512, 60);
        IamSeeder account = new IamSeeder(emulator, Clock.systemUTC());
        try {
            SeededUser probe = remediated(account, remediation, env, "probe");
            long before = total(emulator);
            invoke(remediation, env, backout(probe));
            int calls = (int) (total(emulator) - before);
            assertTrue(calls >= 5, "the backout reads, records and restores: " + calls + " calls");

            for (int nth = 1; nth <= calls; nth++) {
                SeededUser user = remediated(account, remediation, env, "alice" + nth);
                SeededKey key = account.seededKeys().get(account.seededKeys().size() - 1);
                String at = "the rule run before call " + nth + " of " + calls + " of the backout: ";
                try (HeldCall hold = emulator.hold("*", nth)) {
                    CompletableFuture<JsonNode> backout =
                            CompletableFuture.supplyAsync(() -> invoke(remediation, env, backout(user)));
                    hold.awaitHeld();
                    String status = account.status(user, key);
                    invoke(rule, env, scheduled(emulator));
                    hold.release();
                    JsonNode restored = backout.get(60, TimeUnit.SECONDS);

                    StoredEvaluation verdict = emulator.storedEvaluations(LocalDemo.RULE_NAME).stream()
                            .filter(evaluation -> evaluation.resourceId().equals(user.userId()))
                            .reduce((first, last) -> last)
                            .orElseThrow();
                    assertFalse(
                            "NON_COMPLIANT".equals(verdict.complianceType()), at + "key " + status + ": " + verdict);
                    assertEquals(
                            key.accessKeyId(),
                            restored.path("restoredKeyIds").path(0).asText(),
                            at + restored);
                    assertEquals("Active", account.status(user, key), at);
                }
            }
        } finally {
            rule.delete();
            remediation.delete();
        }
    }

    @Test
    void aRuleRunBetweenAnyTwoCallsOfARemediationReportsTheKeyAsItIsThen(AwsEmulator emulator) throws Exception {
        LocalDemo.Artifacts artifacts =
                LocalDemo.Artifacts.inProject(Path.of("").toAbsolutePath());
        emulator.putConfigRule(LocalDemo.RULE_NAME, PARAMETERS);
        Map<String, String> env = emulator.functionEnvironment(LocalDemo.RULE_NAME);
        LambdaPackage rule = LambdaPackage.unpack(
                artifacts.evaluatorZip(), LocalDemo.EVALUATOR_HANDLER, artifacts.runtimeJar(), 512, 300);
        LambdaPackage remediation = LambdaPackage.unpack(
                artifacts.remediationZip(), LocalDemo.REMEDIATION_HANDLER, artifacts.runtimeJar(), 512, 60);
        IamSeeder account = new IamSeeder(emulator, Clock.systemUTC());
        try {
            SeededUser probe = account.user("probe");
            account.keyUsed(probe, 143);
            long before = total(emulator);
            invoke(remediation, env, disable(probe));
            int calls = (int) (total(emulator) - before);

            for (int nth = 1; nth <= calls; nth++) {
                SeededUser user = account.user("bob" + nth);
                SeededKey key = account.keyUsed(user, 143);
                String at = "the rule run before call " + nth + " of " + calls + " of the remediation: ";
                try (HeldCall hold = emulator.hold("*", nth)) {
                    CompletableFuture<JsonNode> disabling =
                            CompletableFuture.supplyAsync(() -> invoke(remediation, env, disable(user)));
                    hold.awaitHeld();
                    String status = account.status(user, key);
                    invoke(rule, env, scheduled(emulator));
                    hold.release();
                    JsonNode disabled = disabling.get(60, TimeUnit.SECONDS);

                    StoredEvaluation verdict = emulator.storedEvaluations(LocalDemo.RULE_NAME).stream()
                            .filter(evaluation -> evaluation.resourceId().equals(user.userId()))
                            .reduce((first, last) -> last)
                            .orElseThrow();
                    assertEquals(
                            "Active".equals(status) ? "NON_COMPLIANT" : "COMPLIANT",
                            verdict.complianceType(),
                            at + "key " + status + ": " + verdict);
                    assertEquals(
                            key.accessKeyId(),
                            disabled.path("disabledKeyIds").path(0).asText(),
                            at + disabled);
                    assertEquals("Inactive", account.status(user, key), at);
                }
            }
        } finally {
            rule.delete();
            remediation.delete();
        }
    }

    private static String disable(SeededUser user) {
        return JSON.createObjectNode()
                .put("action", "DISABLE_STALE_KEYS")
                .put("userId", user.userId())
                .put("maxAccessKeyAgeDays", "90")
                .put("dryRun", "false")
                .put("exemptUsers", "")
                .put("exemptionTagKey", "")
                .put("automationExecutionId", UUID.randomUUID().toString())
                .toString();
    }

    private static SeededUser remediated(
            IamSeeder account, LambdaPackage remediation, Map<String, String> env, String name) {
        SeededUser user = account.user(name);
        account.keyUsed(user, 143);
        JsonNode disabled = invoke(remediation, env, disable(user));
        assertEquals("DISABLED", disabled.path("outcome").asText(), disabled.toString());
        return user;
    }

    private static String backout(SeededUser user) {
        return JSON.createObjectNode()
                .put("action", "RESTORE_KEYS")
                .put("userName", user.userName())
                .put("accessKeyIds", "")
                .put("remediationExecutionId", "")
                .put("graceDays", "30")
                .put("automationExecutionId", UUID.randomUUID().toString())
                .toString();
    }

    private static String scheduled(AwsEmulator emulator) {
        return LocalDemo.scheduledEvent(
                "123456789012",
                LocalDemo.RULE_NAME,
                PARAMETERS,
                emulator.registerResultToken(LocalDemo.RULE_NAME),
                emulator,
                Clock.systemUTC());
    }

    private static JsonNode invoke(LambdaPackage function, Map<String, String> env, String event) {
        LambdaPackage.Run run = function.invoke(event, env, "");
        if (run.failed()) {
            throw new AssertionError("the function failed: " + run.response() + "\n" + run.logs());
        }
        try {
            return JSON.readTree(run.response());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long total(AwsEmulator emulator) {
        return emulator.callCounts().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
