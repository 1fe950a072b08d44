package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.events.KeyEvent;
import io.github.stalekeys.events.KeyEventBus;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** The change notices as they reach EventBridge: detail type, every field of the detail, and the sentence. */
class KeyChangeNotifierEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BACKOUT = "StaleKeys-RestoreAccessKeys";
    private static final String EXECUTION = "4105a4fc-f944-11e6-9d32-0a1b2c3d4e5f";
    private static final String ACCOUNT = "123456789012";
    private static final String USER_ID = "AIDAJQABLZS4A3QDU576Q";
    private static final String KEY_1 = "AKIAIOSFODNN7EXAMPLE";
    private static final String KEY_2 = "AKIAI44QH8DHBEXAMPLE";
    private static final String KEY_3 = "AKIAJ55RI9EICEXAMPLE";
    private static final String OWNER = "team-payments@example.com";
    private static final String GRACE = "2026-02-01T10:00:00Z";

    /** Accepts every entry, or (refusing) fails each with an error code; records what it was sent. */
    private static final class RecordingBus implements EventBridgeClient {
        final List<PutEventsRequest> requests = new ArrayList<>();
        final boolean refusing;

        RecordingBus(boolean refusing) {
            this.refusing = refusing;
        }

        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            requests.add(request);
            List<PutEventsResultEntry> results = request.entries().stream()
                    .map(entry -> refusing
                            ? PutEventsResultEntry.builder()
                                    .errorCode("InternalFailure")
                                    .errorMessage("try again")
                                    .build()
                            : PutEventsResultEntry.builder().eventId("event-1").build())
                    .toList();
            return PutEventsResponse.builder()
                    .failedEntryCount(refusing ? results.size() : 0)
                    .entries(results)
                    .build();
        }

        List<PutEventsRequestEntry> entries() {
            return requests.stream().flatMap(r -> r.entries().stream()).toList();
        }

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {}
    }

    private final RecordingBus bus = new RecordingBus(false);
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final KeyChangeNotifier notifier = notifier(bus);

    private KeyChangeNotifier notifier(RecordingBus eventBridge) {
        return new KeyChangeNotifier(
                new KeyEventBus(eventBridge, pause -> {}),
                BACKOUT,
                new StructuredLogger(
                        "remediation",
                        new PrintStream(logs, true, StandardCharsets.UTF_8),
                        Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC)));
    }

    private static RemediationResult remediation(
            RemediationResult.Outcome outcome,
            List<RemediationResult.StaleKey> stale,
            List<String> disabled,
            String owner,
            String ownerStatus) {
        return new RemediationResult(
                RunbookRequestParser.DISABLE_STALE_KEYS,
                USER_ID,
                "pipeline",
                outcome == RemediationResult.Outcome.DRY_RUN,
                outcome,
                stale,
                disabled,
                List.of(),
                "whatever the remediation said",
                owner,
                ownerStatus);
    }

    private static RestoreResult restoration(
            List<RestoreResult.RestoredKey> keys, String graceUntil, String owner, String ownerStatus) {
        return new RestoreResult(
                RunbookRequestParser.RESTORE_KEYS,
                "alice",
                keys.stream().map(RestoreResult.RestoredKey::accessKeyId).toList(),
                keys,
                List.of(),
                graceUntil,
                "whatever the backout said",
                owner,
                ownerStatus);
    }

    private static JsonNode detail(PutEventsRequestEntry entry) {
        try {
            return JSON.readTree(entry.detail());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private List<JsonNode> logLines() {
        return logs.toString(StandardCharsets.UTF_8)
                .lines()
                .map(line -> {
                    try {
                        return JSON.readTree(line);
                    } catch (JsonProcessingException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }

    @Test
    void aDisabledKeyIsAnnouncedWithEveryField() {
        notifier.remediated(
                remediation(
                        RemediationResult.Outcome.DISABLED,
                        List.of(new RemediationResult.StaleKey(KEY_1, 143, false, "s3", "eu-west-1")),
                        List.of(KEY_1),
                        OWNER,
                        "TAGGED"),
                EXECUTION,
                ACCOUNT);

        assertEquals(1, bus.requests.size());
        PutEventsRequestEntry entry = bus.entries().get(0);
        assertEquals(KeyEvent.SOURCE, entry.source());
        assertEquals("Access Key Disabled", entry.detailType());
        JsonNode detail = detail(entry);
        assertEquals(
                Set.of(
                        "schemaVersion",
                        "userName",
                        "accessKeyId",
                        "accountId",
                        "userId",
                        "automationExecutionId",
                        "dryRun",
                        "neverUsed",
                        "unusedDays",
                        "lastUsedService",
                        "lastUsedRegion",
                        "owner",
                        "ownerStatus",
                        "backoutRunbook",
                        "message"),
                fieldNames(detail));
        assertEquals(BACKOUT, detail.get("backoutRunbook").asText());
        assertEquals("1", detail.get("schemaVersion").asText());
        assertEquals("pipeline", detail.get("userName").asText());
        assertEquals(KEY_1, detail.get("accessKeyId").asText());
        assertEquals(ACCOUNT, detail.get("accountId").asText());
        assertEquals(USER_ID, detail.get("userId").asText());
        assertEquals(EXECUTION, detail.get("automationExecutionId").asText());
        assertTrue(detail.get("dryRun").isBoolean());
        assertFalse(detail.get("dryRun").booleanValue());
        assertFalse(detail.get("neverUsed").booleanValue());
        assertTrue(detail.get("unusedDays").isIntegralNumber());
        assertEquals(143, detail.get("unusedDays").longValue());
        assertEquals("s3", detail.get("lastUsedService").asText());
        assertEquals("eu-west-1", detail.get("lastUsedRegion").asText());
        assertEquals(OWNER, detail.get("owner").asText());
        assertEquals("TAGGED", detail.get("ownerStatus").asText());
        assertEquals(
                "Access key " + KEY_1 + " of IAM user pipeline (account 123456789012), unused for 143 days, last used"
                        + " with s3 in eu-west-1, was"
                        + " disabled (set to Inactive) by the remediation runbook (Automation execution " + EXECUTION
                        + "). The backout runbook " + BACKOUT
                        + " can restore it (IAMUserName pipeline, RemediationExecutionId "
                        + EXECUTION + "). Owner: team-payments@example.com.",
                detail.get("message").asText());
    }

    @Test
    void onlyTheStaleKeysActuallyDisabledAreAnnounced() {
        notifier.remediated(
                remediation(
                        RemediationResult.Outcome.DISABLED,
                        List.of(
                                new RemediationResult.StaleKey(KEY_1, 143, false),
                                new RemediationResult.StaleKey(KEY_2, 200, true),
                                new RemediationResult.StaleKey(KEY_3, 91, false)),
                        List.of(KEY_3, KEY_1),
                        OWNER,
                        "TAGGED"),
                EXECUTION,
                ACCOUNT);

        assertEquals(
                List.of(KEY_1, KEY_3),
                bus.entries().stream()
                        .map(entry -> detail(entry).get("accessKeyId").asText())
                        .toList(),
                "in the order of the stale keys; the one not disabled is not announced");
        assertEquals(
                List.of("Access Key Disabled", "Access Key Disabled"),
                bus.entries().stream().map(PutEventsRequestEntry::detailType).toList());
    }

    @Test
    void aDryRunAnnouncesEveryStaleKeyAsChangingNothing() {
        notifier.remediated(
                remediation(
                        RemediationResult.Outcome.DRY_RUN,
                        List.of(
                                new RemediationResult.StaleKey(KEY_1, 143, false),
                                new RemediationResult.StaleKey(KEY_2, 200, true)),
                        List.of(),
                        null,
                        "TAG_ABSENT"),
                EXECUTION,
                null);

        List<PutEventsRequestEntry> entries = bus.entries();
        assertEquals(2, entries.size());
        for (PutEventsRequestEntry entry : entries) {
            assertEquals("Access Key Disable Dry Run", entry.detailType());
            JsonNode detail = detail(entry);
            assertTrue(detail.get("dryRun").booleanValue());
            assertTrue(detail.get("accountId").isNull(), "no account known: null, not absent");
            assertTrue(detail.get("owner").isNull());
            assertEquals("TAG_ABSENT", detail.get("ownerStatus").asText());
        }
        JsonNode used = detail(entries.get(0));
        JsonNode neverUsed = detail(entries.get(1));
        assertFalse(used.get("neverUsed").booleanValue());
        assertTrue(neverUsed.get("neverUsed").booleanValue());
        assertEquals(200, neverUsed.get("unusedDays").longValue());
        assertEquals(
                "Dry run: access key " + KEY_1 + " of IAM user pipeline, unused for 143 days, would have been disabled"
                        + " by the remediation runbook (Automation execution " + EXECUTION + ")."
                        + " Nothing was changed. Owner: not known (the user has no owner tag).",
                used.get("message").asText());
        assertEquals(
                "Dry run: access key " + KEY_2 + " of IAM user pipeline, never used and created 200 days ago, would"
                        + " have been disabled by the remediation runbook (Automation execution " + EXECUTION + ")."
                        + " Nothing was changed. Owner: not known (the user has no owner tag).",
                neverUsed.get("message").asText());
    }

    @Test
    void aDisabledNeverUsedKeySaysWhenItWasCreated() {
        notifier.remediated(
                remediation(
                        RemediationResult.Outcome.DISABLED,
                        List.of(new RemediationResult.StaleKey(KEY_2, 200, true)),
                        List.of(KEY_2),
                        null,
                        "NOT_CONFIGURED"),
                EXECUTION,
                ACCOUNT);

        JsonNode detail = detail(bus.entries().get(0));
        assertTrue(detail.get("neverUsed").booleanValue());
        assertEquals("NOT_CONFIGURED", detail.get("ownerStatus").asText());
        assertEquals(
                "Access key " + KEY_2 + " of IAM user pipeline (account 123456789012), never used and created 200"
                        + " days ago, was disabled (set to Inactive) by the remediation runbook (Automation execution "
                        + EXECUTION + "). The backout runbook " + BACKOUT + " can restore it (IAMUserName pipeline,"
                        + " RemediationExecutionId " + EXECUTION + "). Owner: not known (no owner tag"
                        + " configured).",
                detail.get("message").asText());
    }

    @Test
    void anOwnerTagValueThatIsNotReadableIsNeverRendered() {
        notifier.remediated(
                remediation(
                        RemediationResult.Outcome.DISABLED,
                        List.of(new RemediationResult.StaleKey(KEY_1, 143, false)),
                        List.of(KEY_1),
                        null,
                        "TAG_UNREADABLE"),
                EXECUTION,
                ACCOUNT);

        JsonNode detail = detail(bus.entries().get(0));
        assertTrue(detail.get("owner").isNull());
        assertEquals("TAG_UNREADABLE", detail.get("ownerStatus").asText());
        assertTrue(
                detail.get("message")
                        .asText()
                        .endsWith(" The backout runbook " + BACKOUT + " can restore it (IAMUserName pipeline,"
                                + " RemediationExecutionId " + EXECUTION
                                + "). Owner: not known (the owner tag's value is"
                                + " neither an e-mail address nor a name)."),
                detail.get("message").asText());
    }

    @Test
    void outcomesThatChangedNothingAnnounceNothingEvenWithStaleKeysListed() {
        for (RemediationResult.Outcome outcome : List.of(
                RemediationResult.Outcome.EXEMPT,
                RemediationResult.Outcome.NOTHING_STALE,
                RemediationResult.Outcome.USER_NOT_FOUND)) {
            notifier.remediated(
                    remediation(
                            outcome,
                            List.of(new RemediationResult.StaleKey(KEY_1, 143, false)),
                            List.of(KEY_1),
                            OWNER,
                            "TAGGED"),
                    EXECUTION,
                    ACCOUNT);
        }

        assertEquals(List.of(), bus.requests);
        assertEquals("", logs.toString(StandardCharsets.UTF_8), "nothing to publish, nothing logged");
    }

    @Test
    void aRestoredKeyIsAnnouncedWithItsGrace() {
        notifier.restored(
                restoration(
                        List.of(new RestoreResult.RestoredKey(
                                KEY_1, "Active", "2025-06-30T12:00:00Z", "s3", "eu-west-1")),
                        GRACE,
                        OWNER,
                        "TAGGED"),
                EXECUTION,
                ACCOUNT);

        assertEquals(1, bus.requests.size());
        PutEventsRequestEntry entry = bus.entries().get(0);
        assertEquals(KeyEvent.SOURCE, entry.source());
        assertEquals("Access Key Restored", entry.detailType());
        JsonNode detail = detail(entry);
        assertEquals(
                Set.of(
                        "schemaVersion",
                        "userName",
                        "accessKeyId",
                        "accountId",
                        "automationExecutionId",
                        "status",
                        "lastUsed",
                        "lastUsedService",
                        "lastUsedRegion",
                        "graceUntil",
                        "owner",
                        "ownerStatus",
                        "message"),
                fieldNames(detail));
        assertEquals("1", detail.get("schemaVersion").asText());
        assertEquals("alice", detail.get("userName").asText());
        assertEquals(KEY_1, detail.get("accessKeyId").asText());
        assertEquals(ACCOUNT, detail.get("accountId").asText());
        assertEquals(EXECUTION, detail.get("automationExecutionId").asText());
        assertEquals("Active", detail.get("status").asText());
        assertEquals("2025-06-30T12:00:00Z", detail.get("lastUsed").asText());
        assertEquals("s3", detail.get("lastUsedService").asText());
        assertEquals("eu-west-1", detail.get("lastUsedRegion").asText());
        assertEquals(GRACE, detail.get("graceUntil").asText());
        assertEquals(OWNER, detail.get("owner").asText());
        assertEquals("TAGGED", detail.get("ownerStatus").asText());
        assertEquals(
                "Access key " + KEY_1 + " of IAM user alice (account 123456789012) was set back to Active by the"
                        + " backout runbook (Automation execution " + EXECUTION
                        + "). It was last used on 2025-06-30 with s3"
                        + " in eu-west-1. It is not reported or disabled"
                        + " for disuse before 2026-02-01T10:00:00Z unless it is used; after that, unused, it may be"
                        + " disabled again. Owner: team-payments@example.com.",
                detail.get("message").asText());
    }

    @Test
    void aRestoredKeyWithoutGraceOrUseSaysSoAndCarriesNulls() {
        notifier.restored(
                restoration(
                        List.of(
                                new RestoreResult.RestoredKey(KEY_1, "Active", null, null, null),
                                new RestoreResult.RestoredKey(KEY_2, "Active", null, null, null)),
                        null,
                        null,
                        "UNKNOWN"),
                EXECUTION,
                null);

        List<PutEventsRequestEntry> entries = bus.entries();
        assertEquals(
                List.of(KEY_1, KEY_2),
                entries.stream()
                        .map(entry -> detail(entry).get("accessKeyId").asText())
                        .toList());
        JsonNode detail = detail(entries.get(1));
        assertTrue(detail.get("graceUntil").isNull(), "no grace: null, not absent");
        assertTrue(detail.get("lastUsed").isNull());
        assertTrue(detail.get("accountId").isNull());
        assertTrue(detail.get("owner").isNull());
        assertEquals("UNKNOWN", detail.get("ownerStatus").asText());
        assertEquals(
                "Access key " + KEY_2 + " of IAM user alice was set back to Active by the backout runbook (Automation"
                        + " execution " + EXECUTION + "). It has no grace: if it stays unused, the next evaluation"
                        + " reports it and the remediation may disable it again. Owner: not known (the rule's"
                        + " settings could not be read).",
                detail.get("message").asText());
    }

    @Test
    void aBackoutThatRestoredNothingAnnouncesNothing() {
        notifier.restored(restoration(List.of(), GRACE, OWNER, "TAGGED"), EXECUTION, ACCOUNT);

        assertEquals(List.of(), bus.requests);
        assertEquals("", logs.toString(StandardCharsets.UTF_8));
    }

    @Test
    void publishedNoticesAreLoggedWithTheirKeys() {
        notifier.restored(
                restoration(
                        List.of(
                                new RestoreResult.RestoredKey(KEY_1, "Active", null, null, null),
                                new RestoreResult.RestoredKey(KEY_2, "Active", null, null, null)),
                        GRACE,
                        OWNER,
                        "TAGGED"),
                EXECUTION,
                ACCOUNT);

        List<JsonNode> lines = logLines();
        assertEquals(1, lines.size(), logs.toString(StandardCharsets.UTF_8));
        JsonNode line = lines.get(0);
        assertEquals("INFO", line.get("level").asText());
        assertEquals("change notices published", line.get("message").asText());
        assertEquals("alice", line.get("userName").asText());
        assertEquals(JSON.createArrayNode().add(KEY_1).add(KEY_2), line.get("accessKeyIds"));
        assertEquals(EXECUTION, line.get("automationExecutionId").asText());
    }

    @Test
    void noticesEventBridgeKeepsRefusingAreLoggedAsAnErrorAndDoNotFailTheChange() {
        RecordingBus refusing = new RecordingBus(true);

        notifier(refusing)
                .remediated(
                        remediation(
                                RemediationResult.Outcome.DISABLED,
                                List.of(new RemediationResult.StaleKey(KEY_1, 143, false)),
                                List.of(KEY_1),
                                OWNER,
                                "TAGGED"),
                        EXECUTION,
                        ACCOUNT);

        assertEquals(4, refusing.requests.size(), "retried, then given up");
        List<JsonNode> lines = logLines();
        assertEquals(1, lines.size(), logs.toString(StandardCharsets.UTF_8));
        JsonNode line = lines.get(0);
        assertEquals("ERROR", line.get("level").asText());
        assertEquals(
                "change notices not published; the change itself is done and recorded",
                line.get("message").asText());
        assertEquals("pipeline", line.get("userName").asText());
        assertEquals(JSON.createArrayNode().add(KEY_1), line.get("accessKeyIds"));
        assertEquals(EXECUTION, line.get("automationExecutionId").asText());
        assertEquals("EventsNotPublishedException", line.get("error").asText());
    }

    @Test
    void neitherTheBusNorTheLogMayBeMissing() {
        StructuredLogger log = new StructuredLogger("remediation", new PrintStream(logs), Clock.systemUTC());
        KeyEventBus events = new KeyEventBus(bus, pause -> {});

        assertEquals(
                "bus",
                assertThrows(NullPointerException.class, () -> new KeyChangeNotifier(null, BACKOUT, log))
                        .getMessage());
        assertEquals(
                "log",
                assertThrows(NullPointerException.class, () -> new KeyChangeNotifier(events, BACKOUT, null))
                        .getMessage());
    }
}
