package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.configrule.InvalidEventException;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.LogScan;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad events through the real handler: each fails with an error naming what is wrong, before any AWS call,
 * so nothing is posted. (The parser and parameter unit tests cover more shapes; these are the ones a handler
 * could get wrong by acting before it validates.)
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class BadEventCatalogueTest {

    static final String ITEM = "{\"messageType\": \"%s\", \"%s\": {\"resourceType\": \"AWS::IAM::User\", "
            + "\"resourceId\": \"AIDAEXAMPLEALICE00001\", \"resourceName\": %s, \"configurationItemStatus\": \"%s\", "
            + "\"configurationItemCaptureTime\": \"%s\"}}";

    static String item(String resourceName, String status, String captureTime) {
        return String.format(
                ITEM, "ConfigurationItemChangeNotification", "configurationItem", resourceName, status, captureTime);
    }

    static Stream<Arguments> badEvents() {
        return Stream.of(
                bad(
                        "no configRuleName",
                        e -> e.setConfigRuleName(null),
                        InvalidEventException.class,
                        "configRuleName is missing"),
                bad(
                        "blank resultToken",
                        e -> e.setResultToken("  "),
                        InvalidEventException.class,
                        "resultToken is missing"),
                bad(
                        "no invokingEvent",
                        e -> e.setInvokingEvent(null),
                        InvalidEventException.class,
                        "invokingEvent is missing"),
                bad(
                        "invokingEvent is a JSON number",
                        e -> e.setInvokingEvent("42"),
                        InvalidEventException.class,
                        "must be a JSON object"),
                bad(
                        "messageType is a number",
                        e -> e.setInvokingEvent("{\"messageType\": 7}"),
                        InvalidEventException.class,
                        "invokingEvent.messageType is missing or not a string"),
                bad(
                        "oversized item without its summary",
                        e -> e.setInvokingEvent("{\"messageType\": \"OversizedConfigurationItemChangeNotification\", "
                                + "\"notificationCreationTime\": \"2026-11-28T09:15:01.000Z\"}"),
                        InvalidEventException.class,
                        "configurationItemSummary is missing"),
                bad(
                        "oversized summary without a resource id",
                        e -> e.setInvokingEvent(String.format(
                                        ITEM,
                                        "OversizedConfigurationItemChangeNotification",
                                        "configurationItemSummary",
                                        "\"alice\"",
                                        "OK",
                                        "2026-11-28T09:15:00Z")
                                .replace("\"resourceId\": \"AIDAEXAMPLEALICE00001\", ", "")),
                        InvalidEventException.class,
                        "configurationItemSummary.resourceId"),
                bad(
                        "configurationItem is a string",
                        e -> e.setInvokingEvent(
                                "{\"messageType\": \"ConfigurationItemChangeNotification\", \"configurationItem\": \"alice\"}"),
                        InvalidEventException.class,
                        "invokingEvent.configurationItem is missing"),
                bad(
                        "no configurationItemStatus",
                        e -> e.setInvokingEvent(item("\"alice\"", "OK", "2026-11-28T09:15:00Z")
                                .replace("\"configurationItemStatus\": \"OK\", ", "")),
                        InvalidEventException.class,
                        "configurationItem.configurationItemStatus"),
                bad(
                        "capture time not an instant",
                        e -> e.setInvokingEvent(item("\"alice\"", "OK", "last tuesday")),
                        InvalidEventException.class,
                        "not an ISO-8601 instant: 'last tuesday'"),
                bad(
                        "IAM user item without a name",
                        e -> e.setInvokingEvent(item("null", "OK", "2026-11-28T09:15:00Z")),
                        InvalidEventException.class,
                        "resourceName is missing for IAM user AIDAEXAMPLEALICE00001"),
                bad(
                        "threshold negative",
                        e -> e.setRuleParameters("{\"maxAccessKeyAgeDays\": \"-5\"}"),
                        InvalidSettingException.class,
                        "maxAccessKeyAgeDays"),
                bad(
                        "threshold in scientific notation",
                        e -> e.setRuleParameters("{\"maxAccessKeyAgeDays\": \"1e3\"}"),
                        InvalidSettingException.class,
                        "maxAccessKeyAgeDays"),
                bad(
                        "ruleParameters is JSON null",
                        e -> e.setRuleParameters("null"),
                        InvalidSettingException.class,
                        "ruleParameters must be a JSON object"),
                bad(
                        "exemptUsers is an object",
                        e -> e.setRuleParameters("{\"exemptUsers\": {\"alice\": true}}"),
                        InvalidSettingException.class,
                        "exemptUsers must be a string"),
                bad(
                        "exemptUsers entry is not an IAM name",
                        e -> e.setRuleParameters("{\"exemptUsers\": \"alice,*\"}"),
                        InvalidSettingException.class,
                        "'*' is neither"),
                bad(
                        "executionRoleName is a path",
                        e -> e.setRuleParameters("{\"executionRoleName\": \"x/../admin\"}"),
                        InvalidSettingException.class,
                        "executionRoleName is not a valid IAM role name"),
                bad(
                        "cross-account with a malformed accountId",
                        e -> {
                            e.setRuleParameters("{\"executionRoleName\": \"StaleKeysRuleExecution\"}");
                            e.setAccountId("12345");
                        },
                        InvalidEventException.class,
                        "accountId must be a 12-digit account id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void aBadEventFailsNamingTheProblemBeforeAnyAwsCall(
            String description,
            Consumer<ConfigRuleEvent> change,
            Class<? extends RuntimeException> expected,
            String message,
            AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().keyUsed(harness.account().user("alice"), 143);
        ConfigRuleEvent event = changeEvent(harness.token());
        change.accept(event);
        emulator.resetCallCounts();

        RuntimeException error = assertThrows(RuntimeException.class, () -> harness.run(event));

        assertInstanceOf(expected, error, error.toString());
        assertTrue(error.getMessage().contains(message), error.getMessage());
        assertEquals(Map.of(), emulator.callCounts(), "no AWS call, so nothing posted");
        assertTrue(harness.stored().isEmpty());
        LogScan.assertClean(
                harness.logText() + LogScan.logged(error),
                harness.account().seededKeys().stream()
                        .map(k -> k.secretAccessKey())
                        .toList(),
                event.getInvokingEvent());
    }

    @ParameterizedTest(name = "null event")
    @MethodSource("nullEvent")
    void aNullEventIsNamed(ConfigRuleEvent event, AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        emulator.resetCallCounts();

        InvalidEventException error = assertThrows(InvalidEventException.class, () -> harness.run(event));

        assertEquals("the event is empty", error.getMessage());
        assertEquals(Map.of(), emulator.callCounts());
    }

    static Stream<Arguments> nullEvent() {
        return Stream.of(Arguments.of((ConfigRuleEvent) null));
    }

    static ConfigRuleEvent changeEvent(String token) {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setConfigRuleName(EvaluatorHarness.RULE_NAME);
        event.setAccountId(EvaluatorHarness.ACCOUNT_ID);
        event.setConfigRuleArn("arn:aws:config:us-east-1:123456789012:config-rule/config-rule-0abc12");
        event.setResultToken(token);
        event.setRuleParameters("{\"maxAccessKeyAgeDays\": \"90\"}");
        event.setInvokingEvent(item("\"alice\"", "OK", "2026-11-28T09:15:00Z"));
        return event;
    }

    private static Arguments bad(
            String description,
            Consumer<ConfigRuleEvent> change,
            Class<? extends RuntimeException> expected,
            String message) {
        return Arguments.of(description, change, expected, message);
    }
}
