package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.MaxKeyAge;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The runbook payload as the parser reads it, without any AWS: each bad field fails naming it, exactly. */
class RunbookRequestParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER_ID = "AIDAJQABLZS4A3QDU576Q";
    private static final String EXECUTION = "4105a4fc-f944-11e6-9d32-0a1b2c3d4e5f";
    private static final String OTHER_EXECUTION = "0F8E4B4C-5A7D-4B8E-9D2A-1C3E5F7A9B0D";
    private static final String KEY_1 = "AKIAIOSFODNN7EXAMPLE";
    private static final String KEY_2 = "AKIAI44QH8DHBEXAMPLE";

    static ObjectNode disablePayload() {
        return JSON.createObjectNode()
                .put("action", "DISABLE_STALE_KEYS")
                .put("userId", USER_ID)
                .put("maxAccessKeyAgeDays", "90")
                .put("dryRun", "false")
                .put("exemptUsers", "")
                .put("exemptionTagKey", "")
                .put("automationExecutionId", EXECUTION);
    }

    static ObjectNode restorePayload() {
        return JSON.createObjectNode()
                .put("action", "RESTORE_KEYS")
                .put("userName", "alice")
                .put("accessKeyIds", "")
                .put("remediationExecutionId", "")
                .put("automationExecutionId", EXECUTION);
    }

    private static RunbookRequest.DisableStaleKeys disable(Consumer<ObjectNode> change) {
        ObjectNode payload = disablePayload();
        change.accept(payload);
        return assertInstanceOf(RunbookRequest.DisableStaleKeys.class, RunbookRequestParser.parse(payload));
    }

    private static RunbookRequest.RestoreKeys restore(Consumer<ObjectNode> change) {
        ObjectNode payload = restorePayload();
        change.accept(payload);
        return assertInstanceOf(RunbookRequest.RestoreKeys.class, RunbookRequestParser.parse(payload));
    }

    private static InvalidSettingException refused(JsonNode payload) {
        return assertThrows(InvalidSettingException.class, () -> RunbookRequestParser.parse(payload));
    }

    private static void assertRefused(JsonNode payload, String field, String message) {
        InvalidSettingException error = refused(payload);
        assertEquals(field, error.settingName(), error.getMessage());
        assertEquals(message, error.getMessage());
    }

    private static ObjectNode changed(ObjectNode payload, Consumer<ObjectNode> change) {
        change.accept(payload);
        return payload;
    }

    @Nested
    class ThePayloadAndItsAction {

        @Test
        void noPayloadAtAllIsNamed() {
            assertRefused(null, "payload", "payload must be a JSON object");
        }

        @Test
        void aPayloadThatIsNotAnObjectIsNamed() {
            assertRefused(JSON.createArrayNode().add(1), "payload", "payload must be a JSON object");
            assertRefused(
                    JSON.getNodeFactory().textNode("DISABLE_STALE_KEYS"), "payload", "payload must be a JSON object");
        }

        @Test
        void aMissingActionIsNamed() {
            assertRefused(changed(disablePayload(), p -> p.remove("action")), "action", "action is missing");
        }

        @Test
        void aNullOrBlankActionCountsAsMissing() {
            assertRefused(changed(disablePayload(), p -> p.putNull("action")), "action", "action is missing");
            assertRefused(changed(disablePayload(), p -> p.put("action", "")), "action", "action is missing");
            assertRefused(changed(disablePayload(), p -> p.put("action", " \n")), "action", "action is missing");
        }

        @Test
        void anUnknownActionIsQuotedWithTheTwoThatExist() {
            assertRefused(
                    changed(disablePayload(), p -> p.put("action", "DELETE_KEYS")),
                    "action",
                    "action 'DELETE_KEYS' is unknown; expected DISABLE_STALE_KEYS or RESTORE_KEYS");
            assertRefused(
                    changed(disablePayload(), p -> p.put("action", "disable_stale_keys")),
                    "action",
                    "action 'disable_stale_keys' is unknown; expected DISABLE_STALE_KEYS or RESTORE_KEYS");
        }

        @Test
        void anActionThatIsAnObjectOrAListIsNamedWithItsType() {
            assertRefused(
                    changed(disablePayload(), p -> p.putObject("action").put("name", "DISABLE_STALE_KEYS")),
                    "action",
                    "action must be a string (or a plain number or boolean), got OBJECT");
            assertRefused(
                    changed(disablePayload(), p -> p.putArray("action").add("RESTORE_KEYS")),
                    "action",
                    "action must be a string (or a plain number or boolean), got ARRAY");
        }

        @Test
        void theActionIsStrippedOfSurroundingWhitespace() {
            assertInstanceOf(
                    RunbookRequest.RestoreKeys.class,
                    RunbookRequestParser.parse(changed(restorePayload(), p -> p.put("action", " RESTORE_KEYS\n"))));
        }
    }

    @Nested
    class TheRemediation {

        @Test
        void aCompletePayloadIsReadFieldByField() {
            RunbookRequest.DisableStaleKeys request = disable(p -> {});

            assertEquals(USER_ID, request.userId());
            assertEquals(new MaxKeyAge(90), request.maxKeyAge());
            assertFalse(request.dryRun());
            assertEquals(EXECUTION, request.automationExecutionId());
            assertEquals(new MaxKeyAge(90), request.maxNeverUsedKeyAge(), "the same limit by default");
            assertEquals(KeyAgeLimits.same(new MaxKeyAge(90)), request.limits());
            assertFalse(request.exemptions().usesTag());
            assertEquals(Optional.empty(), request.exemptions().byIdentity(new IamUser(USER_ID, "alice")));
        }

        @Test
        void theOptionalFieldsMayBeLeftOutAltogether() {
            RunbookRequest.DisableStaleKeys request = disable(p -> p.remove(List.of("exemptUsers", "exemptionTagKey")));

            assertEquals(USER_ID, request.userId());
            assertFalse(request.exemptions().usesTag());
            assertEquals(Optional.empty(), request.exemptions().byIdentity(new IamUser(USER_ID, "alice")));
        }

        @Test
        void aNullOptionalFieldCountsAsAbsent() {
            RunbookRequest.DisableStaleKeys request = disable(
                    p -> p.putNull("exemptUsers").putNull("exemptionTagKey").putNull("maxNeverUsedKeyAgeDays"));

            assertEquals(
                    Optional.empty(),
                    request.exemptions().byIdentity(new IamUser("AIDAEXAMPLE000000001", "null")),
                    "a JSON null is no user named 'null'");
            assertFalse(request.exemptions().usesTag());
            assertEquals(new MaxKeyAge(90), request.maxNeverUsedKeyAge());
        }

        @Test
        void aNullRequiredFieldIsMissing() {
            assertRefused(changed(disablePayload(), p -> p.putNull("userId")), "userId", "userId is missing");
        }

        @Test
        void theNeverUsedLimitMayDifferFromTheUsedOne() {
            RunbookRequest.DisableStaleKeys request = disable(p -> p.put("maxNeverUsedKeyAgeDays", "30"));

            assertEquals(new MaxKeyAge(90), request.maxKeyAge());
            assertEquals(new MaxKeyAge(30), request.maxNeverUsedKeyAge());
            assertEquals(new KeyAgeLimits(new MaxKeyAge(90), new MaxKeyAge(30)), request.limits());
        }

        @Test
        void anEmptyNeverUsedLimitMeansTheUsedOne() {
            RunbookRequest.DisableStaleKeys request =
                    disable(p -> p.put("maxAccessKeyAgeDays", "45").put("maxNeverUsedKeyAgeDays", " "));

            assertEquals(new MaxKeyAge(45), request.maxNeverUsedKeyAge());
        }

        @Test
        void aBadNeverUsedLimitIsNamedAsSuch() {
            assertRefused(
                    changed(disablePayload(), p -> p.put("maxNeverUsedKeyAgeDays", "0")),
                    "maxNeverUsedKeyAgeDays",
                    "maxNeverUsedKeyAgeDays must be in 1..3650, got 0");
            assertRefused(
                    changed(disablePayload(), p -> p.put("maxNeverUsedKeyAgeDays", "soon")),
                    "maxNeverUsedKeyAgeDays",
                    "maxNeverUsedKeyAgeDays must be a whole number of days in 1..3650, got 'soon'");
        }

        @Test
        void aBadThresholdIsNamed() {
            assertRefused(
                    changed(disablePayload(), p -> p.remove("maxAccessKeyAgeDays")),
                    "maxAccessKeyAgeDays",
                    "maxAccessKeyAgeDays is missing");
            assertRefused(
                    changed(disablePayload(), p -> p.put("maxAccessKeyAgeDays", "ninety")),
                    "maxAccessKeyAgeDays",
                    "maxAccessKeyAgeDays must be a whole number of days in 1..3650, got 'ninety'");
            assertRefused(
                    changed(disablePayload(), p -> p.put("maxAccessKeyAgeDays", "3651")),
                    "maxAccessKeyAgeDays",
                    "maxAccessKeyAgeDays must be in 1..3650, got 3651");
            assertRefused(
                    changed(
                            disablePayload(),
                            p -> p.putArray("maxAccessKeyAgeDays").add(90)),
                    "maxAccessKeyAgeDays",
                    "maxAccessKeyAgeDays must be a string (or a plain number or boolean), got ARRAY");
        }

        @Test
        void plainNumbersAndBooleansAreReadAsTheirText() {
            RunbookRequest.DisableStaleKeys request =
                    disable(p -> p.put("maxAccessKeyAgeDays", 120).put("dryRun", true));

            assertEquals(new MaxKeyAge(120), request.maxKeyAge());
            assertTrue(request.dryRun());
        }

        @ParameterizedTest
        @ValueSource(strings = {"true", "TRUE", "True", " true\n"})
        void dryRunTrueInAnyCase(String value) {
            assertTrue(disable(p -> p.put("dryRun", value)).dryRun());
        }

        @ParameterizedTest
        @ValueSource(strings = {"false", "FALSE", "False"})
        void dryRunFalseInAnyCase(String value) {
            assertFalse(disable(p -> p.put("dryRun", value)).dryRun());
        }

        @Test
        void aDryRunThatIsNeitherIsQuoted() {
            assertRefused(
                    changed(disablePayload(), p -> p.put("dryRun", "maybe")),
                    "dryRun",
                    "dryRun must be true or false, got 'maybe'");
            assertRefused(
                    changed(disablePayload(), p -> p.put("dryRun", "yes")),
                    "dryRun",
                    "dryRun must be true or false, got 'yes'");
            assertRefused(changed(disablePayload(), p -> p.remove("dryRun")), "dryRun", "dryRun is missing");
        }

        @Test
        void theUserIdIsStrippedAndMustBeOne() {
            assertEquals(USER_ID, disable(p -> p.put("userId", USER_ID + "\n")).userId());
            assertRefused(
                    changed(disablePayload(), p -> p.put("userId", "alice")),
                    "userId",
                    "userId must be an IAM user id (AIDA...) or an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME), got 'alice'");
            assertRefused(
                    changed(disablePayload(), p -> p.put("userId", KEY_1)),
                    "userId",
                    "userId must be an IAM user id (AIDA...) or an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME), got '"
                            + KEY_1 + "'");
            assertRefused(changed(disablePayload(), p -> p.remove("userId")), "userId", "userId is missing");
        }

        @Test
        void theExecutionIdMustBeAnAutomationOne() {
            assertEquals(
                    OTHER_EXECUTION,
                    disable(p -> p.put("automationExecutionId", OTHER_EXECUTION))
                            .automationExecutionId());
            assertRefused(
                    changed(disablePayload(), p -> p.put("automationExecutionId", "{{ automation:EXECUTION_ID }}")),
                    "automationExecutionId",
                    "automationExecutionId must be an Automation execution id, got '{{ automation:EXECUTION_ID }}'");
            assertRefused(
                    changed(disablePayload(), p -> p.put("automationExecutionId", EXECUTION + "0")),
                    "automationExecutionId",
                    "automationExecutionId must be an Automation execution id, got '" + EXECUTION + "0'");
            assertRefused(
                    changed(disablePayload(), p -> p.remove("automationExecutionId")),
                    "automationExecutionId",
                    "automationExecutionId is missing");
        }

        @Test
        void theExemptionsAreReadFromTheirFields() {
            RunbookRequest.DisableStaleKeys request = disable(
                    p -> p.put("exemptUsers", "Alice, AIDAEXAMPLE000000001").put("exemptionTagKey", "KeepKeys"));

            assertEquals(
                    Optional.of("Exempt: listed in exemptUsers"),
                    request.exemptions().byIdentity(new IamUser("AIDAEXAMPLE000000009", "alice")));
            assertEquals(
                    Optional.of("Exempt: listed in exemptUsers"),
                    request.exemptions().byIdentity(new IamUser("AIDAEXAMPLE000000001", "bob")));
            assertEquals(Optional.empty(), request.exemptions().byIdentity(new IamUser("AIDAEXAMPLE000000002", "bob")));
            assertTrue(request.exemptions().usesTag());
        }

        @Test
        void badExemptionsAreNamedByTheirField() {
            assertRefused(
                    changed(disablePayload(), p -> p.put("exemptUsers", "alice smith")),
                    "exemptUsers",
                    "exemptUsers must list IAM user names or user ids separated by commas; 'alice smith' is neither");
            assertRefused(
                    changed(disablePayload(), p -> p.put("exemptionTagKey", "aws:internal")),
                    "exemptionTagKey",
                    "exemptionTagKey is not a valid IAM tag key: 'aws:internal'");
        }

        @Test
        void aFieldOfTheBackoutIsRefusedListingTheRemediationsFields() {
            assertRefused(
                    changed(disablePayload(), p -> p.put("userName", "alice")),
                    "userName",
                    "userName is not a field of DISABLE_STALE_KEYS; expected action, automationExecutionId, dryRun,"
                            + " exemptUsers, exemptionTagKey, maxAccessKeyAgeDays, maxNeverUsedKeyAgeDays, userId");
        }

        @Test
        void anUnknownFieldIsRefusedBeforeAnyOtherFieldIsChecked() {
            InvalidSettingException error = refused(
                    changed(disablePayload(), p -> p.put("userId", "alice").put("graceDays", "7")));

            assertEquals("graceDays", error.settingName(), error.getMessage());
        }

        @Test
        void anUnknownFieldNameThatCouldForgeALogLineIsQuotedAndEscaped() {
            InvalidSettingException error = refused(changed(disablePayload(), p -> p.put("x\nlevel=ERROR", "1")));

            assertEquals("'x\\nlevel=ERROR'", error.settingName());
            assertTrue(
                    error.getMessage().startsWith("'x\\nlevel=ERROR' is not a field of DISABLE_STALE_KEYS; expected "),
                    error.getMessage());
            assertFalse(error.getMessage().contains("\n"), error.getMessage());
        }

        @Test
        void anUnknownFieldNameIsGivenAsItIsOnlyWhenPlainAndShort() {
            String longest = "f".repeat(64);
            String tooLong = "f".repeat(65);

            assertEquals(
                    longest,
                    refused(changed(disablePayload(), p -> p.put(longest, "1"))).settingName());
            assertEquals(
                    "'" + longest + "'... (65 characters)",
                    refused(changed(disablePayload(), p -> p.put(tooLong, "1"))).settingName());
            assertEquals(
                    "user_Id2",
                    refused(changed(disablePayload(), p -> p.put("user_Id2", "1")))
                            .settingName());
            assertEquals(
                    "'user-id'",
                    refused(changed(disablePayload(), p -> p.put("user-id", "1")))
                            .settingName());
            assertEquals(
                    "''",
                    refused(changed(disablePayload(), p -> p.put("", "1"))).settingName());
        }
    }

    @Nested
    class TheBackout {

        @Test
        void aMinimalPayloadRestoresEverythingOutstandingWithTheDefaultGrace() {
            RunbookRequest.RestoreKeys request = restore(p -> {});

            assertEquals("alice", request.userName());
            assertEquals(List.of(), request.accessKeyIds());
            assertEquals(Optional.empty(), request.remediationExecutionId());
            assertEquals(BackoutGrace.DEFAULT_DAYS, request.graceDays());
            assertEquals(30, request.graceDays());
            assertEquals(EXECUTION, request.automationExecutionId());
        }

        @Test
        void theOptionalFieldsMayBeLeftOutOrNull() {
            RunbookRequest.RestoreKeys absent =
                    restore(p -> p.remove(List.of("accessKeyIds", "remediationExecutionId")));
            RunbookRequest.RestoreKeys nulls = restore(p ->
                    p.putNull("accessKeyIds").putNull("remediationExecutionId").putNull("graceDays"));

            for (RunbookRequest.RestoreKeys request : List.of(absent, nulls)) {
                assertEquals(List.of(), request.accessKeyIds());
                assertEquals(Optional.empty(), request.remediationExecutionId());
                assertEquals(30, request.graceDays());
            }
        }

        @Test
        void keyIdsAreSplitOnCommasStrippedAndBlanksDropped() {
            RunbookRequest.RestoreKeys request = restore(p -> p.put("accessKeyIds", " " + KEY_1 + " ,, \n," + KEY_2));

            assertEquals(List.of(KEY_1, KEY_2), request.accessKeyIds());
        }

        @Test
        void onlyCommasNamesNoKey() {
            assertEquals(List.of(), restore(p -> p.put("accessKeyIds", ", ,")).accessKeyIds());
        }

        @Test
        void aKeyIdThatIsNotOneIsQuoted() {
            assertRefused(
                    changed(restorePayload(), p -> p.put("accessKeyIds", KEY_1 + ",AKIA-not-a-key")),
                    "accessKeyIds",
                    "accessKeyIds must list access key ids separated by commas; 'AKIA-not-a-key' is not one");
            assertRefused(
                    changed(restorePayload(), p -> p.put("accessKeyIds", KEY_1 + ";" + KEY_2)),
                    "accessKeyIds",
                    "accessKeyIds must list access key ids separated by commas; '" + KEY_1 + ";" + KEY_2
                            + "' is not one");
        }

        @Test
        void oneRemediationExecutionMayBeNamed() {
            RunbookRequest.RestoreKeys request =
                    restore(p -> p.put("remediationExecutionId", " " + OTHER_EXECUTION + " "));

            assertEquals(Optional.of(OTHER_EXECUTION), request.remediationExecutionId());
            assertEquals(List.of(), request.accessKeyIds());
        }

        @Test
        void aRemediationExecutionIdThatIsNotOneIsQuoted() {
            assertRefused(
                    changed(restorePayload(), p -> p.put("remediationExecutionId", "last-tuesday")),
                    "remediationExecutionId",
                    "remediationExecutionId must be an Automation execution id, got 'last-tuesday'");
        }

        @Test
        void keysAndAnExecutionCannotBothBeNamed() {
            assertRefused(
                    changed(
                            restorePayload(),
                            p -> p.put("accessKeyIds", KEY_1).put("remediationExecutionId", OTHER_EXECUTION)),
                    "accessKeyIds",
                    "accessKeyIds and remediationExecutionId cannot both be given: name the keys, or the execution to"
                            + " undo");
        }

        @Test
        void namedKeysAloneAreKept() {
            RunbookRequest.RestoreKeys request = restore(p -> p.put("accessKeyIds", KEY_2));

            assertEquals(List.of(KEY_2), request.accessKeyIds());
            assertEquals(Optional.empty(), request.remediationExecutionId());
        }

        @Test
        void aBadExecutionIdIsReportedEvenWithKeysNamed() {
            assertRefused(
                    changed(restorePayload(), p -> p.put("accessKeyIds", KEY_1).put("remediationExecutionId", "x")),
                    "remediationExecutionId",
                    "remediationExecutionId must be an Automation execution id, got 'x'");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 7, 365})
        void theGraceIsReadInDays(int days) {
            assertEquals(
                    days, restore(p -> p.put("graceDays", String.valueOf(days))).graceDays());
        }

        @Test
        void anEmptyGraceMeansTheDefault() {
            assertEquals(30, restore(p -> p.put("graceDays", "")).graceDays());
        }

        @Test
        void aGraceOutOfRangeIsNamed() {
            assertRefused(
                    changed(restorePayload(), p -> p.put("graceDays", "366")),
                    "graceDays",
                    "graceDays must be in 0..365, got 366");
            assertRefused(
                    changed(restorePayload(), p -> p.put("graceDays", "-1")),
                    "graceDays",
                    "graceDays must be a whole number of days in 0..365, got '-1'");
        }

        @Test
        void theUserNameIsStrippedAndMustBeOne() {
            assertEquals("alice", restore(p -> p.put("userName", " alice\n")).userName());
            assertRefused(
                    changed(restorePayload(), p -> p.put("userName", "alice smith")),
                    "userName",
                    "userName must be an IAM user name, got 'alice smith'");
            assertRefused(changed(restorePayload(), p -> p.remove("userName")), "userName", "userName is missing");
        }

        @Test
        void theExecutionIdMustBeAnAutomationOne() {
            assertRefused(
                    changed(restorePayload(), p -> p.put("automationExecutionId", "../../etc")),
                    "automationExecutionId",
                    "automationExecutionId must be an Automation execution id, got '../../etc'");
        }

        @Test
        void aFieldOfTheRemediationIsRefusedListingTheBackoutsFields() {
            assertRefused(
                    changed(restorePayload(), p -> p.put("userId", USER_ID)),
                    "userId",
                    "userId is not a field of RESTORE_KEYS; expected accessKeyIds, action, automationExecutionId,"
                            + " graceDays, remediationExecutionId, userName");
            assertRefused(
                    changed(restorePayload(), p -> p.put("dryRun", "true")),
                    "dryRun",
                    "dryRun is not a field of RESTORE_KEYS; expected accessKeyIds, action, automationExecutionId,"
                            + " graceDays, remediationExecutionId, userName");
        }

        @Test
        void theKeyListIsACopy() {
            RunbookRequest.RestoreKeys request = restore(p -> p.put("accessKeyIds", KEY_1));

            assertThrows(
                    UnsupportedOperationException.class,
                    () -> request.accessKeyIds().add(KEY_2));
        }
    }
}
