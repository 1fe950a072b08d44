package io.github.stalekeys.keychange;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.KeyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Records, ledgers and keys for the plan tests: values as the trail would have read them. */
final class Ledgers {

    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final String K1 = "AKIAAAAAAAAAAAAAAAA1";
    static final String K2 = "AKIAAAAAAAAAAAAAAAA2";
    static final String R1 = "11111111-1111-4111-8111-111111111111";
    static final String R2 = "22222222-2222-4222-8222-222222222222";
    static final String B1 = "bbbbbbbb-1111-4111-8111-111111111111";
    static final String B2 = "bbbbbbbb-2222-4222-8222-222222222222";

    private Ledgers() {}

    static Instant daysAgo(long days) {
        return NOW.minus(Duration.ofDays(days));
    }

    static AuditLedger.Sealed<AuditRecord> sealed(AuditRecord record) {
        return new AuditLedger.Sealed<>(record, record.tagKey(), record.content() + " mac=M");
    }

    static AuditLedger.Sealed<RestorationRecord> sealed(RestorationRecord record) {
        return new AuditLedger.Sealed<>(record, record.tagKey(), record.content() + " mac=M");
    }

    static AuditLedger ledger(List<AuditRecord> records, List<RestorationRecord> restorations) {
        return new AuditLedger(
                records.stream().map(Ledgers::sealed).toList(),
                restorations.stream().map(Ledgers::sealed).toList(),
                List.of());
    }

    static AccessKeyActivity key(String id, KeyStatus status, long createdDaysAgo, Long usedDaysAgo) {
        return new AccessKeyActivity(
                id,
                status,
                daysAgo(createdDaysAgo),
                Optional.ofNullable(usedDaysAgo).map(Ledgers::daysAgo));
    }
}
