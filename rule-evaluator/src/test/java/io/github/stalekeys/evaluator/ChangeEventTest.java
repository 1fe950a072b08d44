package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.github.stalekeys.configrule.EvaluationsNotRecordedException;
import io.github.stalekeys.configrule.InvalidEventException;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.StoredEvaluation;
import io.github.stalekeys.policy.InvalidSettingException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;

/** The sample events in {@code events/}, deserialised as the Lambda runtime does, through the real handler. */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class ChangeEventTest {

    private static final String FIXTURE_USER_ID = "AIDAEXAMPLEALICE00001";

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void changedUserWithAStaleKeyIsNonCompliantNamingTheKey(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        harness.account().keyUsed(alice, 2);
        String staleKey = harness.account().keyUsed(alice, 143).accessKeyId();
        event.setResultToken(harness.token());
        describe(event, alice);
        emulator.resetCallCounts();

        EvaluationReport report = harness.run(event);

        assertEquals(1, report.nonCompliant());
        StoredEvaluation stored = harness.stored().get(alice.userId());
        assertEquals("NON_COMPLIANT", stored.complianceType());
        assertEquals(
                staleKey + " unused since " + harness.daysAgo(143) + ", last used with s3 in us-east-1 (limit 90 days)"
                        + EvaluatorHarness.FIX_OR_TAG,
                stored.annotation());
        assertEquals(Instant.parse("2026-11-28T09:15:00Z"), stored.orderingTimestamp(), "the item's capture time");
        // GetUser (confirms the id, brings the tags), ListAccessKeys, GetAccessKeyLastUsed x2.
        assertEquals(4, iamCalls(emulator));
        assertEquals(1, harness.calls("config:PutEvaluations"));
    }

    @ParameterizedTest
    @Event(value = "events/oversized-configuration-item.json", type = ConfigRuleEvent.class)
    void oversizedItemIsEvaluatedFromItsSummary(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        harness.account().keyNeverUsed(alice, 10);
        event.setResultToken(harness.token());
        describe(event, alice);
        emulator.resetCallCounts();

        harness.run(event);

        assertEquals("COMPLIANT", harness.stored().get(alice.userId()).complianceType());
        assertEquals(3, iamCalls(emulator), "GetUser, ListAccessKeys and one GetAccessKeyLastUsed");
    }

    @ParameterizedTest
    @Event(value = "events/user-deleted.json", type = ConfigRuleEvent.class)
    void deletedUserIsNotApplicableWithoutAnyIamCall(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        event.setResultToken(harness.token());
        emulator.resetCallCounts();

        harness.run(event);

        StoredEvaluation stored = harness.stored().get(FIXTURE_USER_ID);
        assertEquals("NOT_APPLICABLE", stored.complianceType());
        assertEquals(AccountEvaluator.USER_GONE, stored.annotation());
        assertEquals(0, iamCalls(emulator));
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void userThatIamNoLongerKnowsIsNotApplicable(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        event.setResultToken(harness.token());

        harness.run(event);

        assertEquals("NOT_APPLICABLE", harness.stored().get(FIXTURE_USER_ID).complianceType());
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void userThatLeftTheScopeIsNotApplicable(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().keyUsed(harness.account().user("alice"), 143);
        event.setResultToken(harness.token());
        event.setEventLeftScope(true);

        harness.run(event);

        StoredEvaluation stored = harness.stored().get(FIXTURE_USER_ID);
        assertEquals("NOT_APPLICABLE", stored.complianceType());
        assertEquals("The IAM user left the rule's scope", stored.annotation());
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void anotherResourceTypeIsNotApplicable(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        event.setResultToken(harness.token());
        event.setInvokingEvent(event.getInvokingEvent().replace("\"AWS::IAM::User\"", "\"AWS::IAM::Role\""));

        harness.run(event);

        StoredEvaluation stored =
                harness.emulator.storedEvaluations(EvaluatorHarness.RULE_NAME).get(0);
        assertEquals("AWS::IAM::Role", stored.resourceType());
        assertEquals("NOT_APPLICABLE", stored.complianceType());
    }

    @ParameterizedTest
    @Event(value = "events/scheduled-notification.json", type = ConfigRuleEvent.class)
    void scheduledSampleEventRunsInTestMode(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().keyUsed(harness.account().user("alice"), 143);
        harness.account().keyUsed(harness.account().user("bob"), 1);

        EvaluationReport report = harness.run(event);

        assertTrue(report.testMode());
        assertEquals(1, report.nonCompliant());
        assertEquals(1, report.compliant());
        assertTrue(
                harness.emulator.storedEvaluations(EvaluatorHarness.RULE_NAME).isEmpty());
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void invalidRuleParametersFailBeforeAnyAwsCall(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        event.setRuleParameters("{\"maxAccessKeyAgeDays\": \"0\"}");
        emulator.resetCallCounts();

        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> harness.run(event));

        assertEquals("maxAccessKeyAgeDays", error.settingName());
        assertEquals(Map.of(), emulator.callCounts());
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void unknownMessageTypeFailsBeforeAnyAwsCall(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        event.setInvokingEvent("{\"messageType\": \"ComplianceChangeNotification\"}");
        emulator.resetCallCounts();

        InvalidEventException error = assertThrows(InvalidEventException.class, () -> harness.run(event));

        assertTrue(error.getMessage().contains("ComplianceChangeNotification"), error.getMessage());
        assertEquals(Map.of(), emulator.callCounts());
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void missingResultTokenIsNamed(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        event.setResultToken(null);

        InvalidEventException error = assertThrows(InvalidEventException.class, () -> harness.run(event));

        assertTrue(error.getMessage().contains("resultToken"), error.getMessage());
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void crossAccountModeAssumesTheNamedRoleInTheEventsAccount(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        harness.account().keyUsed(alice, 143);
        event.setResultToken(harness.token());
        event.setRuleParameters("{\"executionRoleName\": \"StaleKeysRuleExecution\"}");
        describe(event, alice);
        emulator.resetCallCounts();

        harness.run(event);

        assertEquals(1, harness.calls("sts:AssumeRole"));
        assertEquals("NON_COMPLIANT", harness.stored().get(alice.userId()).complianceType());
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void anItemWhoseNameNowBelongsToAnotherUserIsNotJudgedByThatUsersKeys(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().keyUsed(harness.account().user("alice"), 143); // today's alice, not the fixture's
        event.setResultToken(harness.token());

        harness.run(event);

        StoredEvaluation stored = harness.stored().get(FIXTURE_USER_ID);
        assertEquals("NOT_APPLICABLE", stored.complianceType());
        assertEquals(AccountEvaluator.USER_GONE, stored.annotation());
    }

    @ParameterizedTest
    @Event(value = "events/configuration-item-change.json", type = ConfigRuleEvent.class)
    void retriesStopBeforeTheLambdaDeadlineNamingWhatWasNotRecorded(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        event.setResultToken(harness.token());
        describe(event, alice);
        emulator.failEvaluations(List.of(alice.userId()), 100);
        emulator.resetCallCounts();

        // 8 s left: posting may go on until 5 s before the end, i.e. 3 s of backoff (0.5 s, 1 s, then 2 s is too much).
        EvaluationsNotRecordedException error = assertThrows(
                EvaluationsNotRecordedException.class,
                () -> harness.handler.handleRequest(event, TestContext.withRemaining(java.time.Duration.ofSeconds(8))));

        assertTrue(error.getMessage().contains("before the invocation's deadline"), error.getMessage());
        assertTrue(error.getMessage().endsWith(alice.userId()), error.getMessage());
        assertEquals(3, harness.calls("config:PutEvaluations"));
    }

    /** Makes the sample item describe a user of the emulated account (Config's items carry the real id). */
    private static void describe(ConfigRuleEvent event, SeededUser user) {
        event.setInvokingEvent(event.getInvokingEvent()
                .replace(FIXTURE_USER_ID, user.userId())
                .replace("\"alice\"", "\"" + user.userName() + "\""));
    }

    private static long iamCalls(AwsEmulator emulator) {
        return emulator.callCounts().entrySet().stream()
                .filter(e -> e.getKey().startsWith("iam:"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }
}
