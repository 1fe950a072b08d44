package io.github.stalekeys.securityhub;

import java.util.ArrayList;
import java.util.List;

/**
 * The controls a key unused for more than {@code limitDays} fails: the rule's threshold decides which apply.
 * AWS Security Hub's IAM.22 ("IAM user credentials unused for 45 days should be removed", CIS AWS Foundations
 * Benchmark v1.4.0 1.12 / v3.0.0 1.12) at 45 days or fewer; IAM.8 ("Unused IAM user credentials should be removed",
 * 90 days) at 90 or fewer.
 */
final class Requirements {

    private Requirements() {}

    static List<String> of(int limitDays) {
        List<String> requirements = new ArrayList<>();
        if (limitDays <= 45) {
            requirements.add("CIS AWS Foundations Benchmark v1.4.0/1.12");
            requirements.add("AWS Foundational Security Best Practices/IAM.22");
        }
        if (limitDays <= 90) {
            requirements.add("AWS Foundational Security Best Practices/IAM.8");
        }
        return requirements;
    }
}
