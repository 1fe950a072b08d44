package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.configrule.InvokingEventParser;
import io.github.stalekeys.configrule.Trigger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every place the rule refuses an input it quotes, swept with a value of 200 KB that holds a newline and a line
 * separator: the error names what is wrong, is short, and carries neither raw (a forged log line, a flooded log).
 */
class HostileValuesInErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOSTILE = "x".repeat(100_000) + "\n\u2028\r" + "y".repeat(100_000);
    private static final int LONGEST_ERROR = 400;

    static Stream<Arguments> throwSites() {
        return Stream.of(
                site("invokingEvent that is not JSON", () -> InvokingEventParser.parse("{\"messageType\": " + HOSTILE)),
                site("messageType", () -> InvokingEventParser.parse(object("messageType", HOSTILE))),
                site(
                        "notificationCreationTime",
                        () -> InvokingEventParser.parse(JSON.createObjectNode()
                                .put("messageType", "ScheduledNotification")
                                .put("notificationCreationTime", HOSTILE)
                                .toString())),
                site("resourceId", () -> IamUserResource.checkItem(item(HOSTILE, "alice"))),
                site("resourceName", () -> IamUserResource.checkItem(item("AIDAEXAMPLE000000001", HOSTILE))),
                site("ruleParameters that are not JSON", () -> RuleParameters.parse("{\"warningDays\": " + HOSTILE)),
                site("an unknown rule parameter", () -> RuleParameters.parse(object(HOSTILE, "1"))),
                site("maxAccessKeyAgeDays", () -> RuleParameters.parse(object("maxAccessKeyAgeDays", HOSTILE))),
                site("maxNeverUsedKeyAgeDays", () -> RuleParameters.parse(object("maxNeverUsedKeyAgeDays", HOSTILE))),
                site("exemptUsers", () -> RuleParameters.parse(object("exemptUsers", HOSTILE))),
                site("exemptionTagKey", () -> RuleParameters.parse(object("exemptionTagKey", HOSTILE))),
                site("executionRoleName", () -> RuleParameters.parse(object("executionRoleName", HOSTILE))),
                site("warningDays", () -> RuleParameters.parse(object("warningDays", HOSTILE))),
                site("evaluationFrequency", () -> RuleParameters.parse(object("evaluationFrequency", HOSTILE))),
                site("ownerTagKey", () -> RuleParameters.parse(object("ownerTagKey", HOSTILE))),
                site("automaticRemediation", () -> RuleParameters.parse(object("automaticRemediation", HOSTILE))),
                site("refreshDays", () -> RuleParameters.parse(object("refreshDays", HOSTILE))),
                site("accountId in organization mode", () -> {
                    ConfigRuleEvent event = new ConfigRuleEvent();
                    event.setAccountId(HOSTILE);
                    MemberAccountRole.of(event, "StaleKeysRuleExecution");
                }),
                site(EvaluatorSettings.LIVE_CONCURRENCY_VARIABLE, () -> LiveConcurrency.parse(HOSTILE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("throwSites")
    void anErrorQuotingAHostileValueIsShortAndEscaped(String site, Runnable refused) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, refused::run, site);

        String message = error.getMessage();
        assertTrue(message.length() <= LONGEST_ERROR, site + ": " + message.length() + " characters");
        assertFalse(
                message.contains("\n") || message.contains("\r") || message.contains("\u2028"), site + ": " + message);
        assertFalse(message.contains("x".repeat(65)), site + ": quoted values are cut at 64 characters: " + message);
    }

    private static Arguments site(String name, Runnable refused) {
        return Arguments.of(name, refused);
    }

    private static String object(String field, String value) {
        ObjectNode node = JSON.createObjectNode().put(field, value);
        return node.toString();
    }

    private static Trigger.ItemChange item(String resourceId, String resourceName) {
        return (Trigger.ItemChange) InvokingEventParser.parse(JSON.createObjectNode()
                .put("messageType", "ConfigurationItemChangeNotification")
                .set(
                        "configurationItem",
                        JSON.createObjectNode()
                                .put("resourceType", "AWS::IAM::User")
                                .put("resourceId", resourceId)
                                .put("resourceName", resourceName)
                                .put("configurationItemStatus", "OK")
                                .put("configurationItemCaptureTime", "2026-11-28T09:15:00.000Z"))
                .toString());
    }
}
