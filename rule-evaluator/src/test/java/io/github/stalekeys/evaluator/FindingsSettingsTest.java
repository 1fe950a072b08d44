package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingsSettingsTest {

    @Test
    void absentOrDisabledMeansNoFindings() {
        assertFalse(FindingsSettings.from(Map.<String, String>of()::get).enabled());
        assertFalse(FindingsSettings.from(Map.of("SECURITY_HUB_FINDINGS", "Disabled")::get)
                .enabled());
    }

    @Test
    void enabledNeedsTheRunbookNames() {
        FindingsSettings settings = FindingsSettings.from(Map.of(
                "SECURITY_HUB_FINDINGS", "Enabled",
                "REMEDIATION_RUNBOOK_NAME", "p-DisableUnusedAccessKeys",
                "BACKOUT_RUNBOOK_NAME", "p-RestoreAccessKeys")::get);
        assertTrue(settings.enabled());
        assertEquals("p-DisableUnusedAccessKeys", settings.runbookName());
        IllegalStateException missing = assertThrows(
                IllegalStateException.class,
                () -> FindingsSettings.from(Map.of("SECURITY_HUB_FINDINGS", "Enabled")::get));
        assertTrue(missing.getMessage().startsWith("REMEDIATION_RUNBOOK_NAME "), missing.getMessage());
    }

    @Test
    void anythingElseIsAnErrorNamingTheVariable() {
        IllegalStateException error = assertThrows(
                IllegalStateException.class,
                () -> FindingsSettings.from(Map.of("SECURITY_HUB_FINDINGS", "yes\u001b[2J")::get));
        assertTrue(
                error.getMessage().startsWith("SECURITY_HUB_FINDINGS must be Enabled or Disabled"), error.getMessage());
        assertFalse(error.getMessage().contains("\u001b"));
    }
}
