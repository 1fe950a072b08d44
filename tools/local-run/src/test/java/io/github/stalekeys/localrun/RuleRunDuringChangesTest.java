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

    /** One change of one user (a backout or a remediation), from the remediation's package. */
    private interface Change {
        String payload(SeededUser user);
    }

    /** What a position of the sweep must show: the key's status while held, the rule's verdict, the answer. */
    private interface Check {
        void check(String at, String status, StoredEvaluation verdict, JsonNode answer, SeededUser user, SeededKey key);
    }

    @Test
    void aRuleRunBetweenAnyTwoCallsOfABackoutNeverReportsTheRestoredKeyNonCompliant(AwsEmulator emulator) {
        sweep(
                emulator,
                "backout",
                RuleRunDuringChangesTest::remediated,
                RuleRunDuringChangesTest::backout,
                (at, status, verdict, restored, user, key) -> {
                    assertFalse(
                            "NON_COMPLIANT".equals(verdict.complianceType()), at + "key " + status + ": " + verdict);
                    assertEquals(
                            key.accessKeyId(),
                            restored.path("restoredKeyIds").path(0).asText(),
                            at + restored);
                },
                "Active");
    }

    @Test
    void aRuleRunBetweenAnyTwoCallsOfARemediationReportsTheKeyAsItIsThen(AwsEmulator emulator) {
        sweep(
                emulator,
                "remediation",
                (deployed, user) -> {},
                RuleRunDuringChangesTest::disable,
                (at, status, verdict, disabled, user, key) -> {
                    assertEquals(
                            "Active".equals(status) ? "NON_COMPLIANT" : "COMPLIANT",
                            verdict.complianceType(),
                            at + "key " + status + ": " + verdict);
                    assertEquals(
                            key.accessKeyId(),
                            disabled.path("disabledKeyIds").path(0).asText(),
                            at + disabled);
                },
                "Inactive");
    }

    /** The packaged functions, deployed against the emulator as the template deploys them. */
    private record Deployed(LambdaPackage rule, LambdaPackage remediation, Map<String, String> env) {

        static Deployed on(AwsEmulator emulator) {
            LocalDemo.Artifacts artifacts =
                    LocalDemo.Artifacts.inProject(Path.of("").toAbsolutePath());
            emulator.putConfigRule(LocalDemo.RULE_NAME, PARAMETERS);
            return new Deployed(
                    LambdaPackage.unpack(
                            artifacts.evaluatorZip(), LocalDemo.EVALUATOR_HANDLER, artifacts.runtimeJar(), 512, 300),
                    LambdaPackage.unpack(
                            artifacts.remediationZip(), LocalDemo.REMEDIATION_HANDLER, artifacts.runtimeJar(), 512, 60),
                    emulator.functionEnvironment(LocalDemo.RULE_NAME));
        }

        void delete() {
            rule.delete();
            remediation.delete();
        }
    }

    /**
     * For every n: a fresh user with a stale key made ready by {@code before}, {@code change} held at its n-th AWS
     * call, the rule's periodic run, then the change let go; {@code check} judges each position, and the key must
     * end {@code finalStatus}.
     */
    private static void sweep(
            AwsEmulator emulator,
            String what,
            java.util.function.BiConsumer<Deployed, SeededUser> before,
            Change change,
            Check check,
            String finalStatus) {
        Deployed deployed = Deployed.on(emulator);
        IamSeeder account = new IamSeeder(emulator, Clock.systemUTC());
        try {
            SeededUser probe = account.user("probe-" + what);
            account.keyUsed(probe, 143);
            before.accept(deployed, probe);
            long calls = -total(emulator);
            invoke(deployed.remediation(), deployed.env(), change.payload(probe));
            calls += total(emulator);
            assertTrue(calls >= 5, "the " + what + " reads, records and changes: " + calls + " calls");

            for (int nth = 1; nth <= calls; nth++) {
                SeededUser user = account.user(what + nth);
                SeededKey key = account.keyUsed(user, 143);
                before.accept(deployed, user);
                String at = "the rule run before call " + nth + " of " + calls + " of the " + what + ": ";
                try (HeldCall hold = emulator.hold("*", nth)) {
                    CompletableFuture<JsonNode> changing = CompletableFuture.supplyAsync(
                            () -> invoke(deployed.remediation(), deployed.env(), change.payload(user)));
                    hold.awaitHeld();
                    String status = account.status(user, key);
                    invoke(deployed.rule(), deployed.env(), scheduled(emulator));
                    hold.release();
                    JsonNode answer = changing.get(60, TimeUnit.SECONDS);
                    StoredEvaluation verdict = emulator.storedEvaluations(LocalDemo.RULE_NAME).stream()
                            .filter(evaluation -> evaluation.resourceId().equals(user.userId()))
                            .reduce((first, last) -> last)
                            .orElseThrow();
                    check.check(at, status, verdict, answer, user, key);
                    assertEquals(finalStatus, account.status(user, key), at);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new AssertionError(at + "the change did not finish", e);
                }
            }
        } finally {
            deployed.delete();
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

    /** The user's stale key disabled by a remediation, so that a backout has it to restore. */
    private static void remediated(Deployed deployed, SeededUser user) {
        JsonNode disabled = invoke(deployed.remediation(), deployed.env(), disable(user));
        assertEquals("DISABLED", disabled.path("outcome").asText(), disabled.toString());
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
