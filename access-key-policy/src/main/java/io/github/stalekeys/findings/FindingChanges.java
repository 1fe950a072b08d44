package io.github.stalekeys.findings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Changes only: of the findings a run wants Security Hub to show, those that differ from what it already holds. A
 * key with no finding yet gets one unless it is resolved (nothing to show); a key whose finding says the same
 * (same fingerprint) is left alone.
 */
public final class FindingChanges {

    /** One finding to import, with the one it replaces, if any (its creation time is kept). */
    public record Change(KeyFinding finding, Optional<StoredFinding> replaces) {}

    private FindingChanges() {}

    /**
     * @param stored the active findings Security Hub holds, by access key id
     */
    public static List<Change> select(List<KeyFinding> desired, Map<String, StoredFinding> stored) {
        List<Change> changes = new ArrayList<>();
        for (KeyFinding finding : desired) {
            Optional<StoredFinding> standing =
                    Optional.ofNullable(stored.get(finding.key().accessKeyId()));
            if (standing.isEmpty()) {
                if (finding.state() != KeyState.RESOLVED) {
                    changes.add(new Change(finding, standing));
                }
            } else if (!standing.get().fingerprint().equals(finding.fingerprint())) {
                changes.add(new Change(finding, standing));
            }
        }
        return changes;
    }
}
