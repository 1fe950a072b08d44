package io.github.stalekeys.configrule;

import java.time.Instant;
import java.util.Objects;

/** What made AWS Config invoke the rule, read from the event's {@code invokingEvent}. */
public sealed interface Trigger {

    /** The evaluations' {@code OrderingTimestamp}: when Config produced the notification or item. */
    Instant orderingTimestamp();

    /** {@code ScheduledNotification}: a periodic run over every resource the rule judges. */
    record Scheduled(Instant orderingTimestamp) implements Trigger {
        public Scheduled {
            Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
        }
    }

    /**
     * A configuration item changed ({@code ConfigurationItemChangeNotification}, or its oversized form,
     * which carries only the item's summary): judge that one resource.
     *
     * @param itemPath where in the event the item was read, e.g. {@code invokingEvent.configurationItem}, so
     *                 a rule's own checks of the item name the field as the event has it
     */
    record ItemChange(
            String resourceType,
            String resourceId,
            String resourceName,
            String itemStatus,
            Instant orderingTimestamp,
            String itemPath)
            implements Trigger {
        public ItemChange {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(itemStatus, "itemStatus");
            Objects.requireNonNull(orderingTimestamp, "orderingTimestamp");
            Objects.requireNonNull(itemPath, "itemPath");
        }

        public boolean resourceDeleted() {
            return "ResourceDeleted".equals(itemStatus) || "ResourceDeletedNotRecorded".equals(itemStatus);
        }
    }
}
