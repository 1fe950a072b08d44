package io.github.stalekeys.evaluator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;

/**
 * Runs the handler itself, a periodic run and a change event, through clients configured as the real ones but
 * whose HTTP client answers every request itself ({@link PrimingAnswers}): the event parsing, the rule's
 * parameters, paging, the credential report, live confirmation, the previous results, the evaluations and the
 * warnings, each through the SDK's whole request pipeline (endpoint rules, marshalling, signing, unmarshalling of
 * populated responses). Then the KMS calls of the audit seals, which only an account with audit records reaches,
 * and EventBridge's PutEvents, which only a warning reaches.
 * The credentials are a made-up pair, so a snapshot carries neither a real credential nor a connection.
 */
final class OfflineSdkPriming {

    private static final StaticCredentialsProvider MADE_UP = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAPRIMING000000000", "priming-secret-that-signs-nothing-real"));
    private static final String PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\",\"exemptUsers\":\"someone\","
            + "\"exemptionTagKey\":\"KeyRotationExempt\",\"warningDays\":\"14\","
            + "\"evaluationFrequency\":\"TwentyFour_Hours\",\"ownerTagKey\":\"owner\"}";
    private static final String RULE_NAME = "priming";
    private static final ObjectMapper EVENT_JSON = new ObjectMapper();

    private OfflineSdkPriming() {}

    /** Makes the evaluator's calls through offline clients; returns the operations answered, for the test. */
    static List<String> prime(Clock clock) {
        PrimingAnswers answers = new PrimingAnswers(clock.instant());
        AwsClients clients = AwsClients.answeredBy(answers, MADE_UP);
        AccessKeyComplianceHandler handler = new AccessKeyComplianceHandler(
                clients,
                clock,
                waited -> {},
                new StructuredLogger("rule-evaluator", new PrintStream(OutputStream.nullOutputStream()), clock),
                EvaluatorSettings.DEFAULTS.withAuditRecordKey("priming"));
        // Through the entry point Lambda calls: the event read from JSON and the report written as JSON too.
        for (ConfigRuleEvent event : List.of(scheduled(clock.instant()), changed(clock.instant()))) {
            try {
                handler.handleRequest(
                        new ByteArrayInputStream(EVENT_JSON.writeValueAsBytes(event)),
                        OutputStream.nullOutputStream(),
                        null);
            } catch (IOException e) {
                throw new UncheckedIOException("priming could not run the handler", e);
            }
        }
        SdkBytes content = SdkBytes.fromUtf8String("priming");
        SdkBytes mac = clients.kms()
                .generateMac(request -> request.keyId("priming")
                        .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                        .message(content))
                .mac();
        clients.kms()
                .verifyMac(request -> request.keyId("priming")
                        .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                        .message(content)
                        .mac(mac));
        // What a run announces when a user reaches a warning stage, which the made-up account does not.
        clients.events()
                .putEvents(request -> request.entries(
                        entry -> entry.source("priming").detailType("priming").detail("{\"priming\":true}")));
        return answers.answered();
    }

    private static ConfigRuleEvent scheduled(Instant now) {
        return event("{\"messageType\":\"ScheduledNotification\",\"notificationCreationTime\":\"" + now + "\"}");
    }

    private static ConfigRuleEvent changed(Instant now) {
        return event("{\"messageType\":\"ConfigurationItemChangeNotification\",\"notificationCreationTime\":\"" + now
                + "\",\"configurationItem\":{\"resourceType\":\"AWS::IAM::User\",\"resourceId\":\""
                + PrimingAnswers.STALE_USER_ID + "\",\"resourceName\":\"" + PrimingAnswers.STALE_USER
                + "\",\"configurationItemStatus\":\"OK\",\"configurationItemCaptureTime\":\"" + now
                + "\",\"awsAccountId\":\"000000000000\",\"ARN\":\"arn:aws:iam::000000000000:user/"
                + PrimingAnswers.STALE_USER + "\",\"configuration\":{\"path\":\"/\",\"userName\":\""
                + PrimingAnswers.STALE_USER + "\",\"userId\":\"" + PrimingAnswers.STALE_USER_ID + "\"}}}");
    }

    private static ConfigRuleEvent event(String invokingEvent) {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setVersion("1.0");
        event.setInvokingEvent(invokingEvent);
        event.setRuleParameters(PARAMETERS);
        event.setResultToken("priming-result-token");
        event.setConfigRuleName(RULE_NAME);
        event.setConfigRuleArn("arn:aws:config:us-east-1:000000000000:config-rule/config-rule-priming");
        event.setAccountId("000000000000");
        return event;
    }
}
