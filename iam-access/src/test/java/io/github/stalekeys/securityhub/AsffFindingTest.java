package io.github.stalekeys.securityhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.findings.FindingChanges;
import io.github.stalekeys.findings.KeyFinding;
import io.github.stalekeys.findings.KeyState;
import io.github.stalekeys.findings.StoredFinding;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyOwner;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.UsageSite;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ASFF building and reading back, without AWS. */
class AsffFindingTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final AsffFinding.Context CONTEXT = new AsffFinding.Context(
            "aws",
            "eu-west-1",
            "123456789012",
            "iam-unused-access-keys",
            "p-DisableUnusedAccessKeys",
            "p-RestoreAccessKeys",
            NOW);
    private static final AccessKeyActivity KEY = new AccessKeyActivity(
            "AKIAEXAMPLE00000001",
            KeyStatus.ACTIVE,
            Instant.parse("2025-01-02T03:04:05Z"),
            Optional.of(Instant.parse("2026-07-08T09:00:00Z")),
            UsageSite.recorded("s3", "eu-west-1"));

    private static KeyFinding finding(IamUser user, KeyState state) {
        return new KeyFinding(
                user, KEY, state, "Last used on 2026-07-08 (s3 in eu-west-1) (limit 90 days)", 90, Optional.empty());
    }

    @Test
    void aNonCompliantKeyInAsff() {
        KeyFinding finding = finding(new IamUser("AIDAALICE00000000001", "alice"), KeyState.NON_COMPLIANT)
                .withOwner(KeyOwner.of(Optional.of("Owner"), Map.of("owner", "team@example.com")));
        ObjectNode asff = AsffFinding.of(new FindingChanges.Change(finding, Optional.empty()), CONTEXT);

        assertEquals("2018-10-08", asff.path("SchemaVersion").asText());
        assertEquals(
                "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default",
                asff.path("ProductArn").asText());
        assertEquals(
                CONTEXT.productArn() + "/stale-access-keys/iam-unused-access-keys/AKIAEXAMPLE00000001",
                asff.path("Id").asText());
        assertEquals("FAILED", asff.path("Compliance").path("Status").asText());
        assertEquals(
                "[\"AWS Foundational Security Best Practices/IAM.8\"]",
                asff.path("Compliance").path("RelatedRequirements").toString());
        assertEquals(
                "MEDIUM",
                asff.path("FindingProviderFields")
                        .path("Severity")
                        .path("Label")
                        .asText());
        JsonNode details = asff.path("Resources").path(0).path("Details").path("AwsIamAccessKey");
        assertEquals("AKIAEXAMPLE00000001", details.path("AccessKeyId").asText());
        assertEquals("AIDAALICE00000000001", details.path("PrincipalId").asText());
        assertEquals("IAMUser", details.path("PrincipalType").asText());
        assertEquals("2025-01-02T03:04:05Z", details.path("CreatedAt").asText());
        JsonNode fields = asff.path("ProductFields");
        assertEquals("s3", fields.path("stale-access-keys/LastUsedService").asText());
        assertEquals(
                "eu-west-1", fields.path("stale-access-keys/LastUsedRegion").asText());
        assertEquals("team@example.com", fields.path("stale-access-keys/Owner").asText());
        assertTrue(asff.path("Remediation")
                .path("Recommendation")
                .path("Text")
                .asText()
                .contains("p-DisableUnusedAccessKeys"));
        assertEquals("ACTIVE", asff.path("RecordState").asText());
        assertEquals(NOW.toString(), asff.path("CreatedAt").asText());
    }

    @Test
    void controlsFollowTheThreshold() {
        assertEquals(
                List.of(
                        "CIS AWS Foundations Benchmark v1.4.0/1.12",
                        "AWS Foundational Security Best Practices/IAM.22",
                        "AWS Foundational Security Best Practices/IAM.8"),
                Requirements.of(45));
        assertEquals(List.of(), Requirements.of(120));
    }

    @Test
    void readingBackKeepsCreationAndFingerprintAndAnUpdateKeepsTheFirstCreation() {
        KeyFinding finding = finding(new IamUser("AIDAALICE00000000001", "alice"), KeyState.WARNED);
        ObjectNode asff = AsffFinding.of(new FindingChanges.Change(finding, Optional.empty()), CONTEXT);
        StoredFinding stored = AsffFinding.read(asff, CONTEXT).orElseThrow();
        assertEquals(finding.fingerprint(), stored.fingerprint());
        assertEquals(KeyState.WARNED, stored.state());
        assertEquals(KEY.createDate(), stored.keyCreatedAt());

        AsffFinding.Context later = new AsffFinding.Context(
                "aws",
                "eu-west-1",
                "123456789012",
                "iam-unused-access-keys",
                "p-DisableUnusedAccessKeys",
                "p-RestoreAccessKeys",
                NOW.plusSeconds(86_400));
        ObjectNode update = AsffFinding.of(
                new FindingChanges.Change(finding(finding.user(), KeyState.RESOLVED), Optional.of(stored)), later);
        assertEquals(NOW.toString(), update.path("CreatedAt").asText());
        assertEquals(later.now().toString(), update.path("UpdatedAt").asText());
        assertEquals("ARCHIVED", update.path("RecordState").asText());
        assertTrue(AsffFinding.read(update, later).isEmpty(), "archived: not held");
    }

    @Test
    void anotherRulesOrAnotherProductsFindingIsNotOurs() {
        ObjectNode asff = AsffFinding.of(
                new FindingChanges.Change(
                        finding(new IamUser("AIDAALICE00000000001", "alice"), KeyState.WARNED), Optional.empty()),
                CONTEXT);
        asff.put("GeneratorId", "stale-access-keys/other-rule");
        assertTrue(AsffFinding.read(asff, CONTEXT).isEmpty());
        asff.put("GeneratorId", CONTEXT.generatorId());
        ((ObjectNode) asff.path("ProductFields")).remove("stale-access-keys/Fingerprint");
        assertTrue(AsffFinding.read(asff, CONTEXT).isEmpty(), "not whole: re-imported from scratch");
    }

    @Test
    void hostileValuesAreBoundedToAsffLimitsAndKeptOnOneLine() {
        String name = "a\u001b[31m\n".repeat(40) + "x".repeat(300);
        KeyFinding finding = new KeyFinding(
                new IamUser("AIDAALICE00000000001", name),
                KEY,
                KeyState.EXEMPT,
                "Exempt: " + "y".repeat(5000),
                90,
                Optional.empty());
        ObjectNode asff = AsffFinding.of(new FindingChanges.Change(finding, Optional.empty()), CONTEXT);

        assertTrue(asff.path("Title").asText().length() <= 256);
        assertTrue(asff.path("Description").asText().length() <= 1024);
        String principal = asff.path("Resources")
                .path(0)
                .path("Details")
                .path("AwsIamAccessKey")
                .path("PrincipalName")
                .asText();
        assertTrue(principal.length() <= 128, principal);
        assertFalse(principal.chars().anyMatch(Character::isISOControl), principal);
        JsonNode fields = asff.path("ProductFields");
        assertTrue(fields.size() <= 50);
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            assertTrue(field.getKey().length() <= 128, field.getKey());
            assertTrue(field.getValue().asText().length() <= 2048, field.getKey());
            assertFalse(field.getValue().asText().chars().anyMatch(Character::isISOControl), field.getKey());
        }
    }
}
