package io.github.stalekeys.localrun;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.iam.model.StatusType;

/** The demo's account: one user for each situation the rule and the remediation must get right. */
final class DemoAccount {

    static final String EXEMPTION_TAG = "KeyRotationExempt";
    static final String OWNER_TAG = "Owner";

    /** User name to what was seeded, in seeding order. */
    private final Map<String, SeededUser> users = new LinkedHashMap<>();

    static DemoAccount seed(AwsEmulator emulator, Clock clock, PrintStream out) {
        DemoAccount account = new DemoAccount();
        IamSeeder iam = new IamSeeder(emulator, clock);
        account.add(out, iam.user("build-pipeline"), "a key used 2 days ago", user -> iam.keyUsed(user, 2));
        account.add(out, iam.user("former-contractor"), "a key unused for 143 days", user -> iam.keyUsed(user, 143));
        account.add(
                out,
                iam.user("forgotten-key"),
                "a key never used, created 200 days ago",
                user -> iam.keyNeverUsed(user, 200));
        account.add(
                out, iam.user("new-hire"), "a key never used, created 7 days ago", user -> iam.keyNeverUsed(user, 7));
        account.add(
                out,
                iam.user("retired-service"),
                "an inactive key unused for 400 days",
                user -> iam.setStatus(user, iam.keyUsed(user, 400), StatusType.INACTIVE));
        account.add(out, iam.user("data-exporter"), "two keys: one used yesterday, one unused for 120 days", user -> {
            iam.keyUsed(user, 1);
            iam.keyUsed(user, 120);
        });
        account.add(
                out,
                iam.userTagged("break-glass-admin", EXEMPTION_TAG, "INC-2041"),
                "a key unused for 300 days, tagged " + EXEMPTION_TAG + "=INC-2041",
                user -> iam.keyUsed(user, 300));
        account.add(
                out,
                iam.userTagged("legacy-etl", EXEMPTION_TAG, "until 2025-01-31 CHG-88"),
                "a key unused for 200 days, tagged " + EXEMPTION_TAG + "=until 2025-01-31 CHG-88 (lapsed)",
                user -> iam.keyUsed(user, 200));
        account.add(
                out,
                iam.userTagged("nightly-report", OWNER_TAG, "data-team@example.com"),
                "a key unused for 76 days (limit in 14 days), tagged " + OWNER_TAG + "=data-team@example.com",
                user -> iam.keyUsed(user, 76));
        account.add(out, iam.user("console-only"), "no access keys", user -> {});
        return account;
    }

    private void add(
            PrintStream out, SeededUser user, String description, java.util.function.Consumer<SeededUser> keys) {
        keys.accept(user);
        users.put(user.userName(), user);
        out.printf("    %-18s %s%n", user.userName(), description);
    }

    Map<String, SeededUser> users() {
        return users;
    }

    /** The user name for a Config resource id (the user id). */
    String nameOf(String userId) {
        return users.values().stream()
                .filter(user -> user.userId().equals(userId))
                .map(SeededUser::userName)
                .findFirst()
                .orElse(userId);
    }
}
