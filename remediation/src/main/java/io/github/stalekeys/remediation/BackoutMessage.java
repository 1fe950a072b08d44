package io.github.stalekeys.remediation;

import io.github.stalekeys.keychange.AuditLedger;
import io.github.stalekeys.keychange.RestorePlan;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The backout's one-paragraph account for the runbook's Summary: what was restored, kept, ignored, and failed. */
final class BackoutMessage {

    private BackoutMessage() {}

    static String of(
            IamUser user,
            List<String> restoredIds,
            RestorePlan plan,
            List<AuditLedger.Rejected> rejected,
            Map<String, String> failures) {
        StringBuilder message = new StringBuilder();
        if (restoredIds.isEmpty() && plan.kept().isEmpty() && failures.isEmpty()) {
            message.append("Nothing to restore: no key of ")
                    .append(user.userName())
                    .append(" is awaiting a backout");
        } else {
            message.append("Restored ")
                    .append(restoredIds.isEmpty() ? "no key" : String.join(", ", restoredIds))
                    .append(" of ")
                    .append(user.userName());
            if (!restoredIds.isEmpty()) {
                message.append(plan.graceUntil()
                        .map(until -> "; not reported or disabled for disuse before " + until + " unless used")
                        .orElse("; no grace"));
            }
        }
        plan.kept()
                .forEach(key -> message.append("; ")
                        .append(key.accessKeyId())
                        .append(' ')
                        .append(key.reason()));
        // Anyone who may tag the user chose the tag key: quoted, escaped and cut, never as it is.
        rejected.forEach(tag -> message.append("; ignored audit tag ")
                .append(InvalidSettingException.echo(tag.tagKey()))
                .append(" (")
                .append(tag.reason())
                .append(')'));
        if (!failures.isEmpty()) {
            message.append("; could not restore: ")
                    .append(failures.entrySet().stream()
                            .map(failure -> failure.getKey() + " " + failure.getValue())
                            .collect(Collectors.joining("; ")));
        }
        return message.toString();
    }
}
