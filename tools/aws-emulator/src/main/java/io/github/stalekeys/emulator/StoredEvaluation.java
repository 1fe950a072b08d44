package io.github.stalekeys.emulator;

import java.time.Instant;
import java.util.Objects;

/**
 * One evaluation result the emulated AWS Config holds for a rule.
 *
 * @param annotation {@code null} when the evaluation carried none
 */
public record StoredEvaluation(
        String resourceType,
        String resourceId,
        String complianceType,
        String annotation,
        Instant orderingTimestamp,
        Instant resultRecordedTime) {

    public StoredEvaluation {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(complianceType, "complianceType");
        Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
        Objects.requireNonNull(resultRecordedTime, "resultRecordedTime");
    }
}
