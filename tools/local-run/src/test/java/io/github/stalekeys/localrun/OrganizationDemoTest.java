package io.github.stalekeys.localrun;

import static io.github.stalekeys.localrun.OrganizationDemo.SANDBOX;
import static io.github.stalekeys.localrun.OrganizationDemo.SECURITY;
import static io.github.stalekeys.localrun.OrganizationDemo.SHARED_NAME;
import static io.github.stalekeys.localrun.OrganizationDemo.WORKLOADS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The organization deployment on the emulator: three accounts, each running the packaged functions with its own
 * roles; verdicts per account, a remediation and a backout that change one account only, and attempts at
 * another account's users refused.
 */
@Tag("emulator")
class OrganizationDemoTest {

    @Test
    void eachAccountIsJudgedAndRemediatedAloneAndCannotReachAnother() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        OrganizationDemo.Outcome outcome = new OrganizationDemo(
                        LocalDemo.Artifacts.inProject(Path.of("").toAbsolutePath()),
                        new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run();

        String text = printed.toString(StandardCharsets.UTF_8);
        for (String step : java.util.List.of("==> 1/5", "==> 2/5", "==> 3/5", "==> 4/5", "==> 5/5", "stopped")) {
            assertTrue(text.contains(step), "shows " + step + ":\n" + text);
        }
        for (String account : OrganizationDemo.ACCOUNTS) {
            String prefix = account.substring(0, 3);
            // Exactly this account's users, each with its own verdict: none of another account's users.
            assertEquals(
                    Map.of(
                            SHARED_NAME,
                            "NON_COMPLIANT",
                            "builder-" + prefix,
                            "COMPLIANT",
                            "newcomer-" + prefix,
                            "COMPLIANT"),
                    outcome.verdicts().get(account),
                    account);
        }

        assertEquals(1, outcome.disabledKeys().size(), outcome.disabledKeys().toString());
        assertEquals(
                Map.of(SECURITY, "Active", WORKLOADS, "Inactive", SANDBOX, "Active"),
                outcome.statusesAfterRemediation(),
                "the same user name in another account keeps its key");
        assertEquals(outcome.disabledKeys(), outcome.restoredKeys());
        assertEquals(
                Map.of(SECURITY, "Active", WORKLOADS, "Active", SANDBOX, "Active"), outcome.statusesAfterBackout());

        // Its own account has no user of that id: nothing is disabled anywhere (statuses below stay Active).
        assertEquals("USER_NOT_FOUND", outcome.remediationOfAnotherAccountsUser());
        assertTrue(
                outcome.evaluatorAssumingIntoAnotherAccount().contains("AccessDenied")
                        || outcome.evaluatorAssumingIntoAnotherAccount().contains("not authorized"),
                outcome.evaluatorAssumingIntoAnotherAccount());
        assertTrue(
                outcome.evaluatorPostingForAnotherAccount().contains("InvalidResultToken")
                        || outcome.evaluatorPostingForAnotherAccount().contains("resultToken provided is invalid"),
                outcome.evaluatorPostingForAnotherAccount());
        assertEquals(outcome.verdicts(), outcome.verdictsAfterAttempts(), "no attempt changed any account's results");
        assertEquals(
                Map.of(SECURITY, "Active", WORKLOADS, "Active", SANDBOX, "Active"), outcome.statusesAfterAttempts());
    }
}
