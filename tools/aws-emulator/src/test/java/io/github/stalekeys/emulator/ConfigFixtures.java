package io.github.stalekeys.emulator;

import java.time.Instant;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;

/** Evaluations as the rule would send them. */
final class ConfigFixtures {

    static final String IAM_USER = "AWS::IAM::User";

    private ConfigFixtures() {}

    static Evaluation evaluation(String userId, ComplianceType type) {
        return evaluation(userId, type, Instant.now());
    }

    static Evaluation evaluation(String userId, ComplianceType type, Instant orderingTimestamp) {
        return Evaluation.builder()
                .complianceResourceType(IAM_USER)
                .complianceResourceId(userId)
                .complianceType(type)
                .orderingTimestamp(orderingTimestamp)
                .annotation("test annotation for " + userId)
                .build();
    }
}
