package io.github.stalekeys.evaluator;

import java.time.Instant;
import java.util.Objects;

/** What made AWS Config invoke the rule, read from the event's {@code invokingEvent}. */
sealed interface Trigger {

    /** The evaluations' {@code OrderingTimestamp}: when Config produced the notification or item. */
    Instant orderingTimestamp();

    /** {@code ScheduledNotification}: judge every IAM user of the account. */
    record Scheduled(Instant orderingTimestamp) implements Trigger {
        public Scheduled {
            Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
        }
    }

    /**
     * A configuration item changed ({@code ConfigurationItemChangeNotification}, or its oversized form,
     * which carries only the item's summary): judge that one resource.
     */
    record ItemChange(
            String resourceType, String resourceId, String resourceName, String itemStatus, Instant orderingTimestamp)
            implements Trigger {
        public ItemChange {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(itemStatus, "itemStatus");
            Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
        }

        boolean resourceDeleted() {
            return "ResourceDeleted".equals(itemStatus) || "ResourceDeletedNotRecorded".equals(itemStatus);
        }
    }
}
