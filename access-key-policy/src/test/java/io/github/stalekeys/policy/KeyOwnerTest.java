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
        assertEquals("NOT_CONFIGURED", unconfigured.status());
        assertEquals("Owner: not known (no owner tag configured).", unconfigured.describe());
    }
}
