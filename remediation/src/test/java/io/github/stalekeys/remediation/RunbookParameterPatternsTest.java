package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.stalekeys.policy.InvalidSettingException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runbooks' parameters, read from the YAML: every free-text parameter has an anchored
 * {@code allowedPattern}, the bad values an operator could paste are rejected by it (checked with
 * {@code find()}, the laxer way a pattern can be applied), and every value it accepts the function accepts too.
 */
class RunbookParameterPatternsTest {

    private static final Path RUNBOOKS = Path.of("..", "ssm-documents");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> DOCUMENTS =
            List.of("disable-unused-access-keys.yaml", "restore-access-keys.yaml");
    /** Parameters whose values reach IAM through the function's payload. */
    private static final Set<String> REACHING_IAM = Set.of(
            "IAMUserId", "ExemptUsers", "ExemptionTagKey", "IAMUserName", "AccessKeyIds", "RemediationExecutionId");

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("IAMUserId", "alice"),
                bad("IAMUserId", "AIDA123"),
                bad("IAMUserId", "aidaexample000000001"),
                bad("IAMUserId", "AIDAEXAMPLE000000001,AIDAEXAMPLE000000002"),
                bad("IAMUserId", "AKIAIOSFODNN7EXAMPLE"),
                bad("IAMUserId", ""),
                bad("IAMUserId", "arn:aws:iam::123456789012:role/app"),
                bad("IAMUserId", "arn:aws:iam::12345:user/alice"),
                bad("IAMUserId", "arn:aws:iam::123456789012:user/alice bob"),
                bad("IAMUserId", "arn:aws:iam::123456789012:user/"),
                bad("IAMUserName", "alice smith"),
                bad("IAMUserName", "team/alice"),
                bad("IAMUserName", "a".repeat(65)),
                bad("IAMUserName", ""),
                bad("AccessKeyIds", "akiaiosfodnn7example"),
                bad("AccessKeyIds", "AKIAIOSFODNN7EXAMPLE, AKIAI44QH8DHBEXAMPLE"),
                bad("AccessKeyIds", "AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE,AKIAJ55QH8DHBEXAMPLE"),
                bad("AccessKeyIds", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                bad("RemediationExecutionId", "last-tuesday"),
                bad("RemediationExecutionId", "0f8e4b4c5a7d4b8e9d2a1c3e5f7a9b0d"),
                bad("RemediationExecutionId", "{{ automation:EXECUTION_ID }}"),
                bad("ExemptUsers", "alice smith"),
                bad("ExemptUsers", "alice;bob"),
                bad("ExemptUsers", "alice,,bob"),
                bad("ExemptionTagKey", "k".repeat(129)),
                bad("ExemptionTagKey", "tag*key"),
                bad("AutomationAssumeRole", "arn:aws:iam::12345:role/x"),
                bad("AutomationAssumeRole", "arn:aws:iam::123456789012:user/alice"),
                bad("RemediationFunction", "arn:aws:lambda:us-east-1:123456789012:function:f:live:extra"),
                bad("RemediationFunction", "my function"));
    }

    @Test
    void everyFreeTextParameterHasAnAnchoredPatternAndTheOthersAreTyped() throws IOException {
        List<String> reachingIam = new ArrayList<>();
        for (String document : DOCUMENTS) {
            for (Map.Entry<String, JsonNode> parameter : parameters(document)) {
                String name = document + " " + parameter.getKey();
                String type = parameter.getValue().path("type").asText();
                if (type.equals("String")) {
                    String pattern = parameter.getValue().path("allowedPattern").asText("");
                    assertTrue(
                            pattern.startsWith("^") && pattern.endsWith("$"), name + " has an anchored allowedPattern");
                    Pattern.compile(pattern);
                } else {
                    assertTrue(Set.of("Integer", "Boolean").contains(type), name + " is typed: " + type);
                }
                if (REACHING_IAM.contains(parameter.getKey())) {
                    reachingIam.add(parameter.getKey());
                }
            }
        }
        assertEquals(REACHING_IAM, Set.copyOf(reachingIam), "every parameter reaching IAM is declared and checked");
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @MethodSource("badValues")
    void aBadValueIsRejectedByTheRunbooksPattern(String parameter, String value) throws IOException {
        Pattern pattern = Pattern.compile(allowedPattern(parameter));

        assertFalse(pattern.matcher(value).find(), parameter + " accepts '" + value + "'");
    }

    @Test
    void theFunctionAcceptsWhatThePatternsAccept() throws IOException {
        Map<String, String> good = Map.of(
                "IAMUserId",
                "AIDAEXAMPLE000000001",
                "IAMUserName",
                "ci.deployer@example",
                "AccessKeyIds",
                "AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE",
                "ExemptUsers",
                "break-glass,AIDAEXAMPLE000000002",
                "ExemptionTagKey",
                "KeyRotationExempt",
                "RemediationExecutionId",
                "0f8e4b4c-5a7d-4b8e-9d2a-1c3e5f7a9b0d");
        for (Map.Entry<String, String> value : good.entrySet()) {
            assertTrue(
                    Pattern.compile(allowedPattern(value.getKey()))
                            .matcher(value.getValue())
                            .matches(),
                    value.getKey());
        }
        ObjectNode disable = RemediationHarness.disablePayload(good.get("IAMUserId"))
                .put("exemptUsers", good.get("ExemptUsers"))
                .put("exemptionTagKey", good.get("ExemptionTagKey"));
        ObjectNode restore = RemediationHarness.restorePayload(good.get("IAMUserName"))
                .put("accessKeyIds", good.get("AccessKeyIds"));

        RunbookRequestParser.parse(disable);
        RunbookRequestParser.parse(restore);
        // The user ARN an IAM Access Analyzer finding names (with and without a path).
        for (String arn :
                List.of("arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/ops/ci/bot")) {
            assertTrue(Pattern.compile(allowedPattern("IAMUserId")).matcher(arn).matches(), arn);
            assertEquals(
                    arn,
                    ((RunbookRequest.DisableStaleKeys)
                                    RunbookRequestParser.parse(RemediationHarness.disablePayload(arn)))
                            .userId());
        }
        RunbookRequestParser.parse(RemediationHarness.restorePayload(good.get("IAMUserName"))
                .put("remediationExecutionId", good.get("RemediationExecutionId")));
    }

    @Test
    void graceDaysMeanTheSameToTheRunbookAndTheFunction() throws IOException {
        Pattern pattern = Pattern.compile(allowedPattern("GraceDays"));
        for (int days = 0; days <= 999; days++) {
            String value = Integer.toString(days);
            ObjectNode restore = RemediationHarness.restorePayload("alice").put("graceDays", value);
            if (days <= 365) {
                assertTrue(pattern.matcher(value).matches(), value);
                assertEquals(days, ((RunbookRequest.RestoreKeys) RunbookRequestParser.parse(restore)).graceDays());
            } else {
                assertFalse(pattern.matcher(value).find(), value);
                assertThrows(InvalidSettingException.class, () -> RunbookRequestParser.parse(restore), value);
            }
        }
        assertEquals(
                30,
                ((RunbookRequest.RestoreKeys) RunbookRequestParser.parse(RemediationHarness.restorePayload("alice")))
                        .graceDays(),
                "the function's default is the runbook's");
    }

    @Test
    void theFunctionRejectsTheBadIdsEvenIfAPatternWereBypassed() {
        // Defence in depth: whoever can invoke the function directly is held to the same patterns.
        for (String userId : List.of(
                "alice",
                "AIDA123",
                "AKIAIOSFODNN7EXAMPLE",
                "AIDAEXAMPLE000000001,AIDAEXAMPLE000000002",
                "arn:aws:iam::123456789012:role/app",
                "arn:aws:iam::123456789012:user/alice,arn:aws:iam::123456789012:user/bob")) {
            assertThrows(
                    InvalidSettingException.class,
                    () -> RunbookRequestParser.parse(RemediationHarness.disablePayload(userId)),
                    userId);
        }
        for (String userName : List.of("alice smith", "team/alice", "a".repeat(65))) {
            assertThrows(
                    InvalidSettingException.class,
                    () -> RunbookRequestParser.parse(RemediationHarness.restorePayload(userName)),
                    userName);
        }
    }

    private static String allowedPattern(String parameter) throws IOException {
        for (String document : DOCUMENTS) {
            for (Map.Entry<String, JsonNode> declared : parameters(document)) {
                if (declared.getKey().equals(parameter)) {
                    return declared.getValue().path("allowedPattern").asText();
                }
            }
        }
        throw new IllegalArgumentException("no parameter " + parameter);
    }

    private static List<Map.Entry<String, JsonNode>> parameters(String document) throws IOException {
        List<Map.Entry<String, JsonNode>> parameters = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = YAML.readTree(
                                RUNBOOKS.resolve(document).toFile())
                        .path("parameters")
                        .fields();
                it.hasNext(); ) {
            parameters.add(it.next());
        }
        return parameters;
    }

    private static Arguments bad(String parameter, String value) {
        return Arguments.of(parameter, value);
    }
}
