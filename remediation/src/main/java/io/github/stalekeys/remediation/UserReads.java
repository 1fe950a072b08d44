package io.github.stalekeys.remediation;

import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.iam.IamKeyInventory.TaggedUser;
import io.github.stalekeys.keychange.AuditLedger;
import io.github.stalekeys.keychange.UserSnapshot;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.UsageSite;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;

/**
 * The read step of both runbooks: a user's keys and the remediation's records on it, as a {@link UserSnapshot};
 * and the reads again right before a change (a key's status first, then the records, so a key seen Active after
 * a backout set it so is always seen with the grace the backout wrote before). Tags of ours that are not trusted
 * are logged here, once per read, and nowhere else.
 */
final class UserReads {

    private final IamKeyInventory inventory;
    private final AuditTrail trail;
    private final StructuredLogger log;

    UserReads(IamKeyInventory inventory, AuditTrail trail, StructuredLogger log) {
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * The user's keys (last use of the active ones) and records, from the tags {@code found} came with; empty
     * when the user is gone meanwhile.
     */
    Optional<UserSnapshot> snapshot(TaggedUser found, String executionId) {
        return inventory
                .keysOf(found.user().userName())
                .map(keys -> new UserSnapshot(
                        found.user(), keys, ledger(found.user(), found.tags(), AuditLedger.EMPTY, executionId)));
    }

    /** What the backout reads: the snapshot, and each candidate key's last-use record as IAM gives it. */
    record ForBackout(UserSnapshot snapshot, Map<String, Optional<AccessKeyLastUsed>> lastUses) {}

    /**
     * The user's records and keys; the last use only of the inactive keys a record holds outstanding (the only ones
     * the backout may restore), one {@code GetAccessKeyLastUsed} each.
     */
    ForBackout forBackout(TaggedUser found, String executionId) {
        IamUser user = found.user();
        AuditLedger ledger = ledger(user, found.tags(), AuditLedger.EMPTY, executionId);
        List<String> outstanding = ledger.outstandingKeys();
        Map<String, Optional<AccessKeyLastUsed>> lastUses = new LinkedHashMap<>();
        List<AccessKeyActivity> keys = new ArrayList<>();
        for (AccessKeyActivity key : inventory.listed(user.userName()).orElse(List.of())) {
            if (key.status() == KeyStatus.ACTIVE || !outstanding.contains(key.accessKeyId())) {
                keys.add(key);
                continue;
            }
            Optional<AccessKeyLastUsed> lastUsed = inventory.lastUsed(key.accessKeyId());
            lastUses.put(key.accessKeyId(), lastUsed);
            keys.add(new AccessKeyActivity(
                    key.accessKeyId(),
                    key.status(),
                    key.createDate(),
                    lastUsed.map(AccessKeyLastUsed::lastUsedDate),
                    lastUsed.flatMap(use -> UsageSite.recorded(use.serviceName(), use.region()))));
        }
        return new ForBackout(new UserSnapshot(user, keys, ledger), lastUses);
    }

    /** The user's records from {@code tags}, rejected ones logged. */
    AuditLedger ledger(IamUser user, Map<String, String> tags, AuditLedger verified, String executionId) {
        AuditLedger ledger = trail.read(user, tags, verified);
        ledger.rejected()
                .forEach(rejected -> log.warn(
                        "audit tag not trusted: nothing is restored or spared by it",
                        "userName",
                        user.userName(),
                        "tagKey",
                        rejected.tagKey(),
                        "reason",
                        rejected.reason(),
                        "automationExecutionId",
                        executionId));
        return ledger;
    }

    /**
     * The user's records now (ListUserTags); a record unchanged since {@code verified} is not verified again. Tags not
     * trusted were logged by the first read; they are not logged again.
     */
    AuditLedger ledgerNow(IamUser user, AuditLedger verified) {
        return trail.read(user, inventory.tagsOf(user), verified);
    }

    /** The user's tags now. */
    Map<String, String> tagsNow(IamUser user) {
        return inventory.tagsOf(user);
    }

    /** Each key's status now (ListAccessKeys; no last-use lookups); none when the user is gone. */
    Map<String, KeyStatus> statusesNow(IamUser user) {
        return inventory.listed(user.userName()).orElse(List.of()).stream()
                .collect(Collectors.toMap(
                        AccessKeyActivity::accessKeyId, AccessKeyActivity::status, (first, second) -> first));
    }
}
