package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.LogScan;
import io.github.stalekeys.keychange.AuditRecord;
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
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.regions.Region;

/**
 * The remediation and the backout over generated accounts and clocks, against the emulator (jqwik: a failure is
 * shrunk to the smallest account and its seed is reported). Per case: no key with activity within the threshold
 * is disabled and every active key beyond it is; exempt users are not changed at all; a second run changes
 * nothing (twice equals once); the backout puts every key back to its status before the remediation.
 */
@Tag(AwsEmulator.TAG)
class RemediationPropertiesTest {

    private static final String TAG = "KeyRotationExempt";
    private static final ObjectMapper JSON = new ObjectMapper();

    // jqwik runs outside JUnit Jupiter's extensions: one emulator for the container, reset before each case.
    private static AwsEmulator emulator;

    @BeforeContainer
    static void startEmulator() {
        emulator = AwsEmulator.start();
    }

    @AfterContainer
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    /** Where a key's last activity falls relative to the threshold. */
    enum Offset {
        AT_THE_LIMIT,
        A_SECOND_INSIDE,
        A_SECOND_BEYOND,
        IN_THE_FUTURE, // clock skew
        ANYWHERE_WITHIN_TWICE_THE_LIMIT
    }

    /** One generated key; its instants are computed from the clock and threshold of the case. */
    record KeySpec(Offset offset, long spread, String status, boolean neverUsed, int createdDaysEarlier) {
        Instant lastActivity(Instant now, int days) {
            Duration limit = Duration.ofDays(days);
            Duration ago = switch (offset) {
                case AT_THE_LIMIT -> limit;
                case A_SECOND_INSIDE -> limit.minusSeconds(1);
                case A_SECOND_BEYOND -> limit.plusSeconds(1);
                case IN_THE_FUTURE -> Duration.ofSeconds(-(spread % 3600));
                case ANYWHERE_WITHIN_TWICE_THE_LIMIT -> Duration.ofSeconds(spread % (2L * days * 86_400 + 1));
            };
            return now.minus(ago);
        }
    }

    /** One generated user: keys, whether listed in exemptUsers, and the exemption tag's value if tagged. */
    record UserSpec(List<KeySpec> keys, boolean listed, Optional<String> tagValue) {}

    record Account(int nowOffsetDays, int days, List<UserSpec> users) {}

    private record Key(SeededKey seeded, String status, Instant lastActivity) {}

    private record User(SeededUser seeded, List<Key> keys, boolean listed, String tagValue) {
        boolean exempt() {
            return listed || (tagValue != null && !tagValue.equals("false"));
        }
    }

    @Provide
    Arbitrary<Account> accounts() {
        Arbitrary<KeySpec> key = Combinators.combine(
                        Arbitraries.of(Offset.class),
                        Arbitraries.longs().between(0, 800L * 86_400),
                        Arbitraries.frequency(Tuple.of(6, "Active"), Tuple.of(1, "Inactive"), Tuple.of(1, "Expired")),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 499))
                .as(KeySpec::new);
        Arbitrary<UserSpec> user = Combinators.combine(
                        key.list().ofMaxSize(2),
                        Arbitraries.frequency(Tuple.of(1, true), Tuple.of(5, false)),
                        Arbitraries.of("false", "CHG-1").optional(0.2))
                .as(UserSpec::new);
        return Combinators.combine(
                        Arbitraries.integers().between(-730, 364),
                        Arbitraries.frequencyOf(
                                Tuple.of(1, Arbitraries.just(1)),
                                Tuple.of(2, Arbitraries.integers().between(1, 400))),
                        user.list().ofMinSize(1).ofMaxSize(4))
                .as(Account::new);
    }

    @Property(tries = 25)
    void remediationAndBackoutKeepTheirInvariantsOverGeneratedAccounts(@ForAll("accounts") Account account)
            throws IOException {
        emulator.reset();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(account.nowOffsetDays()));
        int days = account.days();
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        IamSeeder seeder = new IamSeeder(emulator, clock);
        List<User> users = users(account, seeder, now);
        String context = "now " + now + ", " + days + " days";
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        AwsClients clients =
                AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint());
        // The rule deployed at the lowest threshold and without exemptions: each trial's payload decides.
        emulator.putConfigRule(RemediationHarness.RULE_NAME, "{\"maxAccessKeyAgeDays\":\"1\"}");
        AccessKeyRemediationHandler handler = new AccessKeyRemediationHandler(
                clients,
                new DeployedSettings(
                        RemediationHarness.RULE_NAME,
                        RemediationHarness.createAuditKey(clients.kms()),
                        RemediationHarness.BACKOUT_RUNBOOK),
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

    private static List<User> users(Account account, IamSeeder seeder, Instant now) {
        List<User> users = new ArrayList<>();
        for (int u = 0; u < account.users().size(); u++) {
            UserSpec spec = account.users().get(u);
            String tagValue = spec.tagValue().orElse(null);
            SeededUser seeded =
                    tagValue == null ? seeder.user("user-" + u) : seeder.userTagged("user-" + u, TAG, tagValue);
            List<Key> keys = new ArrayList<>();
            for (KeySpec keySpec : spec.keys()) {
                Instant activity = keySpec.lastActivity(now, account.days());
                SeededKey key = keySpec.neverUsed()
                        ? seeder.key(seeded, activity, null)
                        : seeder.key(seeded, activity.minus(Duration.ofDays(keySpec.createdDaysEarlier())), activity);
                if (!keySpec.status().equals("Active")) {
                    emulator.forceKeyStatus(key.accessKeyId(), keySpec.status());
                }
                keys.add(new Key(key, keySpec.status(), activity));
            }
            users.add(new User(seeded, keys, spec.listed(), tagValue));
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
