package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who {@code exemptUsers} exempts: ids exactly, as IAM issues them; names whatever their case, as IAM compares them. */
class ExemptionsTest {

    private static final String BREAK_GLASS_ID = "AIDAJQABLZS4A3QDU576Q";
    private static final Optional<String> LISTED = Optional.of("Exempt: listed in exemptUsers");

    private final Exemptions byId = Exemptions.parse("exemptUsers", BREAK_GLASS_ID, "exemptionTagKey", null);

    @Test
    void anIdExemptsTheUserWithThatIdOnly() {
        assertEquals(LISTED, byId.byIdentity(new IamUser(BREAK_GLASS_ID, "break-glass")));
        assertEquals(Optional.empty(), byId.byIdentity(new IamUser("AIDAOTHER00000000001", "someone")));
    }

    @Test
    void aUserNamedLikeAnExemptIdIsNotExempt() {
        // Anyone with iam:CreateUser could otherwise create a user that is never reported.
        assertEquals(
                Optional.empty(), byId.byIdentity(new IamUser("AIDAATTACKER00000001", BREAK_GLASS_ID.toLowerCase())));
        assertEquals(Optional.empty(), byId.byIdentity(new IamUser("AIDAATTACKER00000001", BREAK_GLASS_ID)));
    }

    @Test
    void anIdIsMatchedExactlyNotWhateverItsCase() {
        assertEquals(Optional.empty(), byId.byIdentity(new IamUser("AIDAjqablzs4a3qdu576q", "x")));
    }

    @Test
    void aNameIsMatchedWhateverItsCaseAndNeverAsAnId() {
        Exemptions byName = Exemptions.parse("exemptUsers", "Break-Glass, aidaabcdefghijkl", "exemptionTagKey", null);

        assertEquals(LISTED, byName.byIdentity(new IamUser("AIDAANY0000000000001", "break-glass")));
        assertEquals(LISTED, byName.byIdentity(new IamUser("AIDAANY0000000000002", "AIDAABCDEFGHIJKL")));
        assertEquals(Optional.empty(), byName.byIdentity(new IamUser("AIDAABCDEFGHIJKL", "someone")));
    }
}
