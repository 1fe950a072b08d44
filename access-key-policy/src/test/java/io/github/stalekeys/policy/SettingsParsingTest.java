package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsParsingTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "3651", "-1", "ninety", "90.5", "", " ", "1e2", "99999999999"})
    void maxKeyAgeRejectsAnythingButAWholeNumberInRange(String value) {
        InvalidSettingException error =
                assertThrows(InvalidSettingException.class, () -> MaxKeyAge.parse("maxAccessKeyAgeDays", value));
        assertEquals("maxAccessKeyAgeDays", error.settingName());
        assertTrue(error.getMessage().startsWith("maxAccessKeyAgeDays "), error.getMessage());
    }

    @Test
    void maxKeyAgeRejectsNull() {
        assertThrows(InvalidSettingException.class, () -> MaxKeyAge.parse("maxAccessKeyAgeDays", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "90", " 45 ", "3650"})
    void maxKeyAgeAcceptsTheWholeRange(String value) {
        assertEquals(
                Integer.parseInt(value.strip()),
                MaxKeyAge.parse("maxAccessKeyAgeDays", value).days());
    }

    @Test
    void exemptUsersRejectsEntriesThatAreNotIamNames() {
        InvalidSettingException error = assertThrows(
                InvalidSettingException.class,
                () -> Exemptions.parse("exemptUsers", "alice, bob smith", "exemptionTagKey", ""));
        assertEquals("exemptUsers", error.settingName());
        assertTrue(error.getMessage().contains("'bob smith'"), error.getMessage());
    }

    @Test
    void exemptionTagKeyRejectsReservedAndInvalidKeys() {
        assertEquals(
                "exemptionTagKey",
                assertThrows(
                                InvalidSettingException.class,
                                () -> Exemptions.parse("exemptUsers", "", "exemptionTagKey", "aws:createdBy"))
                        .settingName());
        assertEquals(
                "exemptionTagKey",
                assertThrows(
                                InvalidSettingException.class,
                                () -> Exemptions.parse("exemptUsers", "", "exemptionTagKey", "bad{key}"))
                        .settingName());
    }

    @Test
    void exemptUsersTakesUserIdsLongerThanANameCanBe() {
        String longId = "AIDA" + "X".repeat(100);
        Exemptions exemptions = Exemptions.parse("exemptUsers", "alice," + longId, "exemptionTagKey", "");
        assertTrue(exemptions.byIdentity(new IamUser(longId, "bob")).isPresent());
    }

    @Test
    void blankExemptionsExemptNobody() {
        Exemptions none = Exemptions.parse("exemptUsers", " , ", "exemptionTagKey", " ");
        assertTrue(none.byIdentity(new IamUser("AIDAX", "x")).isEmpty());
        assertTrue(!none.usesTag());
    }
}
