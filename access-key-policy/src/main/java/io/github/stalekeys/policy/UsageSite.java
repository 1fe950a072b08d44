package io.github.stalekeys.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * Where IAM saw a key last used: the service and the region it records with the last use
 * (GetAccessKeyLastUsed's {@code ServiceName} and {@code Region}, or the credential report's
 * {@code access_key_N_last_used_service} and {@code _region}).
 *
 * @param service the service's endpoint name, such as {@code s3}
 * @param region  the region, such as {@code eu-west-1}; IAM reports global services without one
 */
public record UsageSite(String service, Optional<String> region) {

    public UsageSite {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(region, "region");
        if (!isRecorded(service)) {
            throw new IllegalArgumentException("service must be a recorded name, not '" + service + "'");
        }
        region = region.filter(UsageSite::isRecorded);
    }

    /**
     * The site IAM recorded, if any. IAM writes {@code N/A} (and the credential report sometimes
     * {@code no_information}) where it recorded nothing; those, blanks and nulls mean no site.
     */
    public static Optional<UsageSite> recorded(String service, String region) {
        if (!isRecorded(service)) {
            return Optional.empty();
        }
        return Optional.of(new UsageSite(service, Optional.ofNullable(region)));
    }

    /** As people read it: {@code s3 in eu-west-1}, or the service alone. */
    @Override
    public String toString() {
        return region.map(r -> service + " in " + r).orElse(service);
    }

    private static boolean isRecorded(String value) {
        return value != null
                && !value.isBlank()
                && !value.equalsIgnoreCase("N/A")
                && !value.equalsIgnoreCase("no_information");
    }
}
