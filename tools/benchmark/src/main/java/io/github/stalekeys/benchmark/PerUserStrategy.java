package io.github.stalekeys.benchmark;

import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UserVerdict;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.config.model.EvaluationResult;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/**
 * The strategy most public rules use, for comparison: for every user one {@code ListAccessKeys} and one
 * {@code GetAccessKeyLastUsed} per key, judged by the same policy code, with the same previous-results
 * paging and the same batched {@code PutEvaluations} (in test mode, so the stored results stay the rule's).
 * Same SDK, same client configuration ({@code AwsClients}: URLConnection client, adaptive retries).
 */
final class PerUserStrategy {

    private final AwsClients clients;

    PerUserStrategy(AwsClients clients) {
        this.clients = clients;
    }

    /** Evaluates the whole account; returns how many evaluations were posted. */
    int evaluateAll(String ruleName, String resultToken, Exemptions exemptions) {
        IamClient iam = clients.iam();
        StaleKeyPolicy policy = new StaleKeyPolicy(MaxKeyAge.DEFAULT, exemptions, Clock.systemUTC());
        Set<String> previous = new HashSet<>();
        for (EvaluationResult result : clients.config()
                .getComplianceDetailsByConfigRulePaginator(r -> r.configRuleName(ruleName)
                        .complianceTypes(ComplianceType.COMPLIANT, ComplianceType.NON_COMPLIANT)
                        .limit(100))
                .evaluationResults()) {
            previous.add(result.evaluationResultIdentifier()
                    .evaluationResultQualifier()
                    .resourceId());
        }
        List<Evaluation> evaluations = new ArrayList<>();
        Instant now = Instant.now();
        Set<String> current = new HashSet<>();
        for (User listed : iam.listUsersPaginator(r -> r.maxItems(1000)).users()) {
            IamUser user = new IamUser(listed.userId(), listed.userName());
            current.add(user.userId());
            List<AccessKeyActivity> keys = new ArrayList<>();
            for (AccessKeyMetadata key :
                    iam.listAccessKeys(r -> r.userName(user.userName())).accessKeyMetadata()) {
                var lastUsed = iam.getAccessKeyLastUsed(r -> r.accessKeyId(key.accessKeyId()))
                        .accessKeyLastUsed();
                keys.add(new AccessKeyActivity(
                        key.accessKeyId(),
                        KeyStatus.fromIam(key.statusAsString()),
                        key.createDate(),
                        Optional.ofNullable(lastUsed.lastUsedDate())));
            }
            UserVerdict verdict = policy.judge(user, keys, u -> tagsOf(iam, u));
            evaluations.add(evaluation(user.userId(), verdict.compliance().name(), verdict.annotation(), now));
        }
        previous.stream()
                .filter(id -> !current.contains(id))
                .forEach(id -> evaluations.add(evaluation(id, "NOT_APPLICABLE", "The IAM user no longer exists", now)));
        for (int from = 0; from < evaluations.size(); from += 100) {
            List<Evaluation> batch = evaluations.subList(from, Math.min(evaluations.size(), from + 100));
            clients.config()
                    .putEvaluations(
                            r -> r.resultToken(resultToken).testMode(true).evaluations(batch));
        }
        return evaluations.size();
    }

    private static Map<String, String> tagsOf(IamClient iam, IamUser user) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : iam.listUserTags(r -> r.userName(user.userName())).tags()) {
            tags.put(tag.key(), tag.value());
        }
        return tags;
    }

    private static Evaluation evaluation(String userId, String compliance, String annotation, Instant when) {
        return Evaluation.builder()
                .complianceResourceType("AWS::IAM::User")
                .complianceResourceId(userId)
                .complianceType(compliance)
                .annotation(annotation)
                .orderingTimestamp(when)
                .build();
    }
}
