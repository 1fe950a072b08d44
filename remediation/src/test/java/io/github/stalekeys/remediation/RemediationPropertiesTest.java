package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.audit.AuditRecord;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.LogScan;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;

/**
 * The remediation and the backout over generated accounts and clocks, against the emulator (a seeded
 * generator: a failure names the trial and repeats). Per trial: no key with activity within the threshold is
 * disabled and every active key beyond it is; exempt users are not changed at all; a second run changes
 * nothing (twice equals once); the backout puts every key back to its status before the remediation.
 */
@ExtendWith(AwsEmulatorExtension.class)
class RemediationPropertiesTest {

    private static final int TRIES = 25;
    private static final long SEED = 1128L;
    private static final String TAG = "KeyRotationExempt";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Key(SeededKey seeded, String status, Instant lastActivity) {}

    private record User(SeededUser seeded, List<Key> keys, boolean listed, String tagValue) {
        boolean exempt() {
            return listed || (tagValue != null && !tagValue.equals("false"));
        }
    }

    @Test
    void remediationAndBackoutKeepTheirInvariantsOverGeneratedAccounts(AwsEmulator emulator) throws IOException {
        Random random = new Random(SEED);
        for (int trial = 0; trial < TRIES; trial++) {
            emulator.reset();
            Instant now = Instant.now()
                    .truncatedTo(ChronoUnit.SECONDS)
                    .plus(Duration.ofDays(random.nextInt(3 * 365) - 365 * 2L));
            int days = switch (random.nextInt(3)) {
                case 0 -> 1;
                default -> 1 + random.nextInt(400);
            };
            Clock clock = Clock.fixed(now, ZoneOffset.UTC);
            IamSeeder seeder = new IamSeeder(emulator, clock);
            List<User> users = users(random, seeder, emulator, now, days);
            String context = "trial " + trial + " (seed " + SEED + "): now " + now + ", " + days + " days";
            ByteArrayOutputStream logs = new ByteArrayOutputStream();
            AwsClients clients =
                    AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint());
            // Deployed at the lowest threshold and without exemptions: each trial's payload decides.
            AccessKeyRemediationHandler handler = new AccessKeyRemediationHandler(
                    clients,
                    new DeployedSettings(
                            new io.github.stalekeys.policy.MaxKeyAge(1),
                            io.github.stalekeys.policy.Exemptions.NONE,
                            RemediationHarness.createAuditKey(clients.kms())),
                    clock,
                    new StructuredLogger("remediation", new PrintStream(logs, true, StandardCharsets.UTF_8), clock));
            String exemptUsers = String.join(
                    ",",
                    users.stream()
                            .filter(User::listed)
                            .map(u -> u.seeded().userName())
                            .toList());
            Map<String, String> before = statuses(seeder, users);

            for (User user : users) {
                invoke(
                        handler,
                        RemediationHarness.disablePayload(user.seeded().userId())
                                .put("maxAccessKeyAgeDays", Integer.toString(days))
                                .put("exemptUsers", exemptUsers)
                                .put("exemptionTagKey", TAG));
            }
            Map<String, String> afterOnce = statuses(seeder, users);
            Map<String, String> tagsOnce = auditTags(emulator, users);

            for (User user : users) {
                for (Key key : user.keys()) {
                    String id = key.seeded().accessKeyId();
                    boolean stale = key.status().equals("Active")
                            && Duration.between(key.lastActivity(), now).compareTo(Duration.ofDays(days)) > 0;
                    String expected = stale && !user.exempt() ? "Inactive" : before.get(id);
                    assertEquals(expected, afterOnce.get(id), context + ": " + user + " key " + key);
                }
                if (user.exempt()) {
                    assertTrue(
                            tagsOnce.keySet().stream()
                                    .noneMatch(k -> k.startsWith(user.seeded().userName() + "/")),
                            context + ": exempt user " + user + " got an audit record");
                }
            }

            emulator.resetCallCounts();
            for (User user : users) {
                invoke(
                        handler,
                        RemediationHarness.disablePayload(user.seeded().userId())
                                .put("maxAccessKeyAgeDays", Integer.toString(days))
                                .put("exemptUsers", exemptUsers)
                                .put("exemptionTagKey", TAG));
            }
            assertEquals(afterOnce, statuses(seeder, users), context + ": twice equals once");
            assertEquals(0, emulator.callCounts().getOrDefault("iam:UpdateAccessKey", 0L), context);
            assertEquals(0, emulator.callCounts().getOrDefault("iam:TagUser", 0L), context);

            for (User user : users) {
                invoke(handler, RemediationHarness.restorePayload(user.seeded().userName()));
            }
            assertEquals(before, statuses(seeder, users), context + ": the backout restores every key's status");
            String text = logs.toString(StandardCharsets.UTF_8);
            LogScan.assertClean(text, seeder.seededSecrets());
        }
    }

    private static List<User> users(Random random, IamSeeder seeder, AwsEmulator emulator, Instant now, int days) {
        List<User> users = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int u = 0; u < count; u++) {
            String tagValue = random.nextInt(5) == 0 ? (random.nextBoolean() ? "false" : "CHG-" + u) : null;
            SeededUser seeded =
                    tagValue == null ? seeder.user("user-" + u) : seeder.userTagged("user-" + u, TAG, tagValue);
            List<Key> keys = new ArrayList<>();
            int keyCount = random.nextInt(3);
            for (int k = 0; k < keyCount; k++) {
                Duration limit = Duration.ofDays(days);
                Duration ago = switch (random.nextInt(6)) {
                    case 0 -> limit;
                    case 1 -> limit.minusSeconds(1);
                    case 2 -> limit.plusSeconds(1);
                    case 3 -> Duration.ofSeconds(-random.nextInt(3600)); // skew: used "in the future"
                    default -> Duration.ofSeconds(random.nextLong(2L * days * 86_400 + 1));
                };
                Instant activity = now.minus(ago);
                boolean neverUsed = random.nextBoolean();
                SeededKey key = neverUsed
                        ? seeder.key(seeded, activity, null)
                        : seeder.key(seeded, activity.minus(Duration.ofDays(random.nextInt(500))), activity);
                String status = switch (random.nextInt(8)) {
                    case 0 -> "Inactive";
                    case 1 -> "Expired";
                    default -> "Active";
                };
                if (!status.equals("Active")) {
                    emulator.forceKeyStatus(key.accessKeyId(), status);
                }
                keys.add(new Key(key, status, activity));
            }
            users.add(new User(seeded, keys, random.nextInt(6) == 0, tagValue));
        }
        return users;
    }

    private static Map<String, String> statuses(IamSeeder seeder, List<User> users) {
        Map<String, String> statuses = new HashMap<>();
        for (User user : users) {
            for (Key key : user.keys()) {
                statuses.put(key.seeded().accessKeyId(), seeder.status(user.seeded(), key.seeded()));
            }
        }
        return statuses;
    }

    private static Map<String, String> auditTags(AwsEmulator emulator, List<User> users) {
        Map<String, String> tags = new TreeMap<>();
        for (User user : users) {
            emulator.iamClient().listUserTags(r -> r.userName(user.seeded().userName())).tags().stream()
                    .filter(tag -> tag.key().startsWith(AuditRecord.TAG_PREFIX))
                    .forEach(tag -> tags.put(user.seeded().userName() + "/" + tag.key(), tag.value()));
        }
        return tags;
    }

    private static JsonNode invoke(AccessKeyRemediationHandler handler, JsonNode payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }
}
