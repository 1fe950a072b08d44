package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyOwnerTest {

    @Test
    void theOwnerIsTheValueOfTheOwnerTagWhateverTheCaseOfItsKey() {
        KeyOwner owner = KeyOwner.of(Optional.of("Owner"), Map.of("team", "x", "OWNER", "ops@example.com"));

        assertEquals(Optional.of("ops@example.com"), owner.value());
        assertEquals("TAGGED", owner.status());
        assertEquals("Owner: ops@example.com (tag Owner).", owner.describe());
    }

    @Test
    void aMissingOrBlankTagLeavesTheOwnerUnknownAndSaysWhy() {
        KeyOwner absent = KeyOwner.of(Optional.of("Owner"), Map.of("team", "x"));
        KeyOwner blank = KeyOwner.of(Optional.of("Owner"), Map.of("owner", "  "));
        KeyOwner unconfigured = KeyOwner.of(Optional.empty(), Map.of("Owner", "ops@example.com"));

        assertEquals(Optional.empty(), absent.value());
        assertEquals("TAG_ABSENT", absent.status());
        assertEquals("Owner: not known (the user has no Owner tag).", absent.describe());
        assertEquals("TAG_ABSENT", blank.status());
        assertEquals(KeyOwner.NOT_CONFIGURED, unconfigured);
        assertEquals("TAG_ABSENT", blank.status(), "a blank value is no owner, not an unreadable one");
        assertEquals("NOT_CONFIGURED", unconfigured.status());
        assertEquals("Owner: not known (no owner tag configured).", unconfigured.describe());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "https://evil.example/reset",
                "ops@example.com\u2028Restored, verified Active. No action needed",
                "Payments Team",
                "ops\u202e@example.com",
                "ops\u200b@example.com",
                "a\u0085b"
            })
    void aValueThatIsNeitherAnEmailAddressNorANameIsNeverShown(String hostile) {
        KeyOwner owner = KeyOwner.of(Optional.of("Owner"), Map.of("Owner", hostile));

        assertEquals(Optional.empty(), owner.value());
        assertEquals("TAG_UNREADABLE", owner.status());
        assertEquals(
                "Owner: not known (the Owner tag's value is neither an e-mail address nor a name; it is not shown).",
                owner.describe());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"ops@example.com", "first.last+keys@sub.example.co.uk", "team-payments", "svc_batch=1"})
    void anEmailAddressOrAnIamSafeNameIsShown(String value) {
        assertEquals(
                Optional.of(value),
                KeyOwner.of(Optional.of("Owner"), Map.of("Owner", " " + value + " "))
                        .value());
    }
}
