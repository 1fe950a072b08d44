package io.github.stalekeys.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `scripts/run` end to end: the packaged functions in fresh JVMs, the runbook files, the emulator. */
@Tag("emulator")
class LocalDemoTest {

    /** A restored key in the record: its id, its restore time and its grace in whole days. */
    private static final Pattern AUDIT_RECORD = Pattern.compile(
            "(?<key>AKIA[A-Z0-9]+)@(?<restoredOn>\\d{4}-\\d{2}-\\d{2})T[^\\s/+]+\\+(?<graceDays>\\d{1,3})d");

    // One run of the demo (about a minute) for both tests.
    private static LocalDemo.Outcome outcome;
    private static String text;

    @BeforeAll
    static void runTheDemo() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        outcome = new LocalDemo(
                        LocalDemo.Artifacts.inProject(Path.of("").toAbsolutePath()),
                        new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run();
        text = printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theWholeFlowFindsRemediatesAndBacksOut() {
        for (String step : List.of("==> 1/5", "==> 2/5", "==> 3/5", "==> 4/5", "==> 5/5", "The emulator is stopped")) {
            assertTrue(text.contains(step), "shows " + step + ":\n" + text);
        }
        assertTrue(text.contains("kept     "), "says which key it kept and why:\n" + text);
        assertEquals(
                Map.of(
                        "build-pipeline", "COMPLIANT",
                        "former-contractor", "NON_COMPLIANT",
                        "forgotten-key", "NON_COMPLIANT",
                        "new-hire", "COMPLIANT",
                        "retired-service", "COMPLIANT",
                        "data-exporter", "NON_COMPLIANT",
                        "break-glass-admin", "NOT_APPLICABLE",
                        "legacy-etl", "NON_COMPLIANT",
                        "nightly-report", "COMPLIANT",
                        "console-only", "COMPLIANT"),
                outcome.firstVerdicts());
        assertEquals(
                List.of("former-contractor", "forgotten-key", "data-exporter", "legacy-etl"),
                List.copyOf(outcome.disabledKeys().keySet()));
        assertTrue(text.contains("exemption tag KeyRotationExempt lapsed after 2025-01-31"), text);
        assertTrue(text.contains("An active access key turns non-compliant on "), text);
        // One warning, a notice per key disabled, one per key restored.
        assertEquals(
                List.of(
                        "Access Key Warning nightly-report",
                        "Access Key Disabled former-contractor",
                        "Access Key Disabled forgotten-key",
                        "Access Key Disabled data-exporter",
                        "Access Key Disabled legacy-etl",
                        "Access Key Restored former-contractor"),
                outcome.notices().stream()
                        .map(notice -> notice.substring(0, notice.lastIndexOf(' ')))
                        .toList());
        assertTrue(text.contains("Owner: data-team@example.com (tag Owner)"), text);
        // One account throughout: the rule's warning and the remediation's notices name the same one.
        Matcher accounts = Pattern.compile("\\(account (\\d{12})\\)").matcher(text);
        java.util.Set<String> named = new java.util.TreeSet<>();
        while (accounts.find()) {
            named.add(accounts.group(1));
        }
        assertEquals(java.util.Set.of(LocalDemo.ACCOUNT_ID), named, text);
        // A disabled key's notice names the backout runbook the stack deploys, and how to run it.
        assertTrue(
                text.contains("The backout runbook StaleKeys-RestoreAccessKeys can restore it (IAMUserName "
                        + "former-contractor, RemediationExecutionId "),
                text);
        // What the Config console shows says what to do.
        assertTrue(text.contains(". Fix: rotate or delete the key"), text);
        assertTrue(
                text.contains("Security Hub finding (")
                        && text.contains("  Resource         AwsIamAccessKey arn:aws:iam::")
                        && text.contains("  Severity         MEDIUM   Compliance FAILED")
                        && text.contains("  Remediation      Use the key or let it go: the SSM Automation runbook"
                                + " StaleKeys-DisableUnusedAccessKeys"),
                "shows one finding as Security Hub holds it:\n" + text);
        outcome.disabledKeys().values().forEach(keys -> assertEquals(1, keys.size(), "one key each"));
        assertTrue(
                outcome.secondVerdicts().values().stream()
                        .allMatch(v -> v.equals("COMPLIANT") || v.equals("NOT_APPLICABLE")),
                outcome.secondVerdicts().toString());
        assertEquals(outcome.disabledKeys().get("former-contractor"), outcome.restoredKeys());
        assertEquals(
                List.of("former-contractor", "forgotten-key", "data-exporter", "legacy-etl"),
                List.copyOf(outcome.auditTrail().keySet()));
        List<String> records = outcome.auditTrail().get("former-contractor");
        assertEquals(2, records.size(), "the remediation's record and the backout's own: " + records);
        assertTrue(
                records.get(1).contains("/restored/") && records.get(1).contains(" = restored="), records.toString());
    }

    /** The backout's grace: the next daily run and a remediation of the restored user both leave its key alone. */
    @Test
    void theNextRunAndTheRemediationSpareTheRestoredKeyUntilTheGraceEnds() {
        String restoredKey = outcome.restoredKeys().get(0);
        Matcher record = AUDIT_RECORD.matcher(
                outcome.auditTrail().get("former-contractor").get(1));
        assertTrue(record.find(), "the sealed record names the restore and its grace: " + outcome.auditTrail());
        assertEquals(restoredKey, record.group("key"), record.group());
        assertEquals(LocalDemo.GRACE_DAYS, Integer.parseInt(record.group("graceDays")), record.group());
        LocalDate restoredOn = LocalDate.parse(record.group("restoredOn"));
        LocalDate graceEnds = restoredOn.plusDays(LocalDemo.GRACE_DAYS);
        assertEquals("COMPLIANT", outcome.secondVerdicts().get("former-contractor"), text);
        assertEquals(
                restoredKey + " restored by a backout on " + restoredOn + ": not reported until " + graceEnds
                        + " unless used",
                outcome.restoredAnnotation());
        assertEquals(List.of(), outcome.disabledAfterBackout(), text);
        assertTrue(
                text.contains("kept     " + restoredKey + ": restored by a backout on " + restoredOn
                        + ", not used since; left alone until " + graceEnds),
                text);
        assertEquals("Active", outcome.restoredStatus(), "the key is still active after that remediation");
    }
}
