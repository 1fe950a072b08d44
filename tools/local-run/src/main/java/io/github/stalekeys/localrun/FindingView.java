package io.github.stalekeys.localrun;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One Security Hub finding the rule imported, laid out as the Security Hub console's finding details show it. */
final class FindingView {

    private static final String FIELD = "stale-access-keys/";

    private FindingView() {}

    /**
     * Prints the first non-compliant key's finding of {@code findings} (as the emulator holds them, imported).
     *
     * @return the lines printed, empty when there is no such finding
     */
    static List<String> printOne(List<JsonNode> findings, PrintStream out) {
        Optional<JsonNode> shown = findings.stream()
                .filter(finding -> "NON_COMPLIANT".equals(field(finding, "State")))
                .findFirst();
        if (shown.isEmpty()) {
            return List.of();
        }
        JsonNode finding = shown.get();
        JsonNode resource = finding.path("Resources").path(0);
        JsonNode key = resource.path("Details").path("AwsIamAccessKey");
        List<String> lines = new ArrayList<>();
        lines.add("Security Hub finding (" + findings.size() + " imported, one per key with something to show):");
        lines.add("  Title            " + finding.path("Title").asText());
        lines.add("  Severity         " + finding.path("Severity").path("Label").asText() + "   Compliance "
                + finding.path("Compliance").path("Status").asText() + " "
                + finding.path("Compliance").path("RelatedRequirements"));
        lines.add("  Resource         " + resource.path("Type").asText() + " "
                + resource.path("Id").asText());
        lines.add("  Access key       " + key.path("AccessKeyId").asText() + " ("
                + key.path("Status").asText()
                + "), user " + key.path("PrincipalName").asText() + " ("
                + key.path("PrincipalId").asText()
                + "), created " + key.path("CreatedAt").asText());
        lines.add("  Last used        " + field(finding, "LastUsedDate") + " with " + field(finding, "LastUsedService")
                + " in " + field(finding, "LastUsedRegion"));
        lines.add("  Owner            "
                + Optional.ofNullable(field(finding, "Owner")).orElse("(not known)") + " ["
                + field(finding, "OwnerStatus") + "]");
        lines.add("  Description      " + finding.path("Description").asText());
        lines.add("  Remediation      "
                + finding.path("Remediation")
                        .path("Recommendation")
                        .path("Text")
                        .asText());
        lines.add("  Id               " + finding.path("Id").asText());
        lines.add("  Product          " + finding.path("ProductArn").asText() + ", generator "
                + finding.path("GeneratorId").asText() + ", record "
                + finding.path("RecordState").asText());
        lines.forEach(line -> out.println("    " + line));
        return lines;
    }

    private static String field(JsonNode finding, String name) {
        JsonNode value = finding.path("ProductFields").path(FIELD + name);
        return value.isTextual() ? value.asText() : null;
    }
}
