package io.github.stalekeys.benchmark;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulator.KeySeed;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.iam.model.User;

/**
 * An account of {@code n} users seeded in bulk (control requests, not counted as AWS calls), in fixed
 * proportions per 100 users: 2 with a key unused 150 days, 1 with a key never used and created 200 days ago,
 * 2 with two keys of which one is unused 120 days (5 % stale in all); 3 with a key never used and created 10
 * days ago, 3 with only an inactive key unused 400 days, 5 with no key, 14 with two fresh keys, 70 with one
 * fresh key. The {@code clean} variant turns the 5 stale ones into fresh ones (no stale user at all); the
 * {@link Share#TEN_PERCENT} variant makes 5 of the fresh ones stale too (10 % stale).
 *
 * <p>Config already holds a result for every current user (the previous periodic run, a day before {@code now}
 * unless said otherwise) and for {@code n/50} users deleted since, all posted with {@code PutEvaluations} and a
 * registered result token.
 *
 * <p>The warning load: a fresh key is used {@code i % 80} days before {@code now}, so about 1 % of the users
 * (those used 76 days before) reach the 14-day warning stage of the 90-day limit in the day before {@code now},
 * and as many (77 days) in the day before that.
 */
final class SeededMix {

    static final String RULE_NAME = "iam-user-unused-access-keys";

    /** How many users in a hundred are stale. */
    enum Share {
        NONE,
        FIVE_PERCENT,
        TEN_PERCENT
    }

    final int users;
    final boolean clean;
    final String resultToken;
    final Map<String, String> userIdsByName;
    final int keys;
    final int staleUsers;
    final int deletedWithResults;
    final List<String> staleKeyIds = new ArrayList<>();

    private SeededMix(
            int users,
            boolean clean,
            String resultToken,
            Map<String, String> userIdsByName,
            int keys,
            int staleUsers,
            int deletedWithResults) {
        this.users = users;
        this.clean = clean;
        this.resultToken = resultToken;
        this.userIdsByName = userIdsByName;
        this.keys = keys;
        this.staleUsers = staleUsers;
        this.deletedWithResults = deletedWithResults;
    }

    static String name(int i) {
        return String.format("user-%05d", i);
    }

    /** The kind of user {@code i}: one of the proportions above. */
    static String kind(int i, Share share) {
        boolean clean = share == Share.NONE;
        int slot = i % 100;
        if (share == Share.TEN_PERCENT && slot >= 30 && slot < 35) return "stale";
        if (slot <= 1) return clean ? "fresh" : "stale";
        if (slot == 2) return clean ? "fresh" : "never-used-old";
        if (slot <= 4) return clean ? "two-fresh" : "two-one-stale";
        if (slot <= 7) return "never-used-new";
        if (slot <= 10) return "inactive";
        if (slot <= 15) return "no-keys";
        if (slot <= 29) return "two-fresh";
        return "fresh";
    }

    static SeededMix seed(AwsEmulator emulator, int n, boolean clean, Instant now) {
        return seed(emulator, n, clean ? Share.NONE : Share.FIVE_PERCENT, now);
    }

    static SeededMix seed(AwsEmulator emulator, int n, Share share, Instant now) {
        return seed(emulator, n, share, now, now.minus(Duration.ofDays(1)));
    }

    /** @param previousRunAt the ordering timestamp of the results Config holds */
    static SeededMix seed(AwsEmulator emulator, int n, Share share, Instant now, Instant previousRunAt) {
        boolean clean = share == Share.NONE;
        emulator.reset();
        List<String> names = IntStream.range(0, n).mapToObj(SeededMix::name).toList();
        emulator.seedUsers(names);
        List<KeySeed> seeds = new ArrayList<>();
        List<Integer> inactive = new ArrayList<>();
        List<Integer> stale = new ArrayList<>();
        int staleUsers = 0;
        for (int i = 0; i < n; i++) {
            String name = names.get(i);
            switch (kind(i, share)) {
                case "stale" -> {
                    stale.add(seeds.size());
                    seeds.add(used(name, now, 150));
                    staleUsers++;
                }
                case "never-used-old" -> {
                    stale.add(seeds.size());
                    seeds.add(new KeySeed(name, now.minus(Duration.ofDays(200)), null));
                    staleUsers++;
                }
                case "two-one-stale" -> {
                    seeds.add(used(name, now, 2));
                    stale.add(seeds.size());
                    seeds.add(used(name, now, 120));
                    staleUsers++;
                }
                case "never-used-new" -> seeds.add(new KeySeed(name, now.minus(Duration.ofDays(10)), null));
                case "inactive" -> {
                    inactive.add(seeds.size());
                    seeds.add(used(name, now, 400));
                }
                case "no-keys" -> {
                    // none
                }
                case "two-fresh" -> {
                    seeds.add(used(name, now, 1));
                    seeds.add(used(name, now, 30));
                }
                default -> seeds.add(used(name, now, i % 80));
            }
        }
        List<SeededKey> created = emulator.seedKeys(seeds);
        for (int k : inactive) {
            emulator.forceKeyStatus(created.get(k).accessKeyId(), "Inactive");
        }
        Map<String, String> ids = new LinkedHashMap<>();
        for (User user :
                emulator.iamClient().listUsersPaginator(r -> r.maxItems(1000)).users()) {
            ids.put(user.userName(), user.userId());
        }
        String token = emulator.registerResultToken(RULE_NAME);
        int deleted = Math.max(1, n / 50);
        List<Evaluation> previous = new ArrayList<>();
        ids.values().forEach(id -> previous.add(previousResult(id, ComplianceType.COMPLIANT, previousRunAt)));
        for (int d = 0; d < deleted; d++) {
            previous.add(
                    previousResult(String.format("AIDADELETED%010d", d), ComplianceType.NON_COMPLIANT, previousRunAt));
        }
        try (ConfigClient config = emulator.configClient()) {
            for (int from = 0; from < previous.size(); from += 100) {
                List<Evaluation> batch = previous.subList(from, Math.min(previous.size(), from + 100));
                config.putEvaluations(r -> r.resultToken(token).evaluations(batch));
            }
        }
        SeededMix mix = new SeededMix(n, clean, token, ids, seeds.size(), staleUsers, deleted);
        stale.forEach(k -> mix.staleKeyIds.add(created.get(k).accessKeyId()));
        return mix;
    }

    private static Evaluation previousResult(String userId, ComplianceType compliance, Instant when) {
        return Evaluation.builder()
                .complianceResourceType("AWS::IAM::User")
                .complianceResourceId(userId)
                .complianceType(compliance)
                .annotation("an earlier run")
                .orderingTimestamp(when)
                .build();
    }

    private static KeySeed used(String name, Instant now, int daysAgo) {
        Instant lastUsed = now.minus(Duration.ofDays(daysAgo));
        return new KeySeed(name, lastUsed.minus(Duration.ofDays(365)), lastUsed);
    }
}
