package io.github.stalekeys.evaluator;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulator.KeySeed;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A large account seeded in bulk (two control requests, not one signed request per user or key), with
 * every kind of user in a fixed proportion: most fresh, some stale, some never used, some with two keys,
 * inactive, expired, keyless, listed or tagged as exempt.
 */
final class SeededAccount {

    static final String EXEMPTION_TAG = "KeyRotationExempt";
    static final String PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\",\"exemptUsers\":\"user-0025\","
            + "\"exemptionTagKey\":\"" + EXEMPTION_TAG + "\"}";

    final List<String> userNames;
    final List<SeededKey> keys = new ArrayList<>();

    private SeededAccount(List<String> userNames) {
        this.userNames = userNames;
    }

    /**
     * {@code users} users named {@code user-0000}...; dates relative to {@code now}. Of every {@code period}
     * users, one has a stale key, one a never-used old key, one a fresh and a stale key (all three need live
     * confirmation), one an old inactive key, one an old {@code Expired} key, one no key; the rest fresh keys.
     * {@code user-0000}'s period's stale users include {@code user-0025} (listed exempt, with period 25) and
     * {@code user-0050} is tagged exempt.
     */
    static SeededAccount create(AwsEmulator emulator, int users, int period, Instant now) {
        SeededAccount account = new SeededAccount(IntStream.range(0, users)
                .mapToObj(i -> String.format("user-%04d", i))
                .toList());
        emulator.seedUsers(account.userNames);
        List<KeySeed> seeds = new ArrayList<>();
        List<String> forcedStatus = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String name = account.userNames.get(i);
            switch (i % period) {
                case 0 -> seeds.add(used(name, now, 150));
                case 1 -> seeds.add(new KeySeed(name, now.minus(Duration.ofDays(200)), null));
                case 2 -> {
                    seeds.add(used(name, now, 2));
                    seeds.add(used(name, now, 120));
                }
                case 3 -> {
                    seeds.add(used(name, now, 400));
                    forcedStatus.add("Inactive");
                }
                case 4 -> {
                    seeds.add(used(name, now, 400));
                    forcedStatus.add("Expired");
                }
                case 5 -> {
                    // no key at all
                }
                default -> seeds.add(used(name, now, i % 89));
            }
            while (forcedStatus.size() < seeds.size()) {
                forcedStatus.add(null);
            }
        }
        account.keys.addAll(emulator.seedKeys(seeds));
        for (int k = 0; k < seeds.size(); k++) {
            if (forcedStatus.get(k) != null) {
                emulator.forceKeyStatus(account.keys.get(k).accessKeyId(), forcedStatus.get(k));
            }
        }
        if (users > 50 && period == 25) {
            emulator.iamClient()
                    .tagUser(r -> r.userName("user-0050")
                            .tags(t -> t.key(EXEMPTION_TAG).value("CHG-1")));
        }
        return account;
    }

    private static KeySeed used(String name, Instant now, int daysAgo) {
        Instant lastUsed = now.minus(Duration.ofDays(daysAgo));
        return new KeySeed(name, lastUsed.minus(Duration.ofDays(365)), lastUsed);
    }

    List<String> secrets() {
        return keys.stream().map(SeededKey::secretAccessKey).toList();
    }
}
